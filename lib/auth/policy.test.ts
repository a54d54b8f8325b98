import { describe, expect, it } from "vitest";
import { ROOM_ROLES, type BeingAction, type RoomRole } from "./access";
import { decideBeing, decideBranchWrite, decideBudget, decideRoom, decideSimple, roleAtLeast, socketRole, type BranchFacts, type Principal } from "./policy";

const anon: Principal = { kind: "anonymous" };
const ada: Principal = { kind: "person", soul: "ada", name: "Ada", serverOwner: false };
const boss: Principal = { kind: "person", soul: "boss", name: "Boss", serverOwner: true };
const ACTIONS: BeingAction[] = ["read", "run", "edit", "delete"];
const inRoom = (roomRole: RoomRole | null) => ({ soul: "b1", holder: { person: "someone", room: "r1" }, core: false, roomRole });

describe("the access policy", () => {
  it("orders roles viewer < editor < owner", () => {
    expect(roleAtLeast("owner", "editor")).toBe(true);
    expect(roleAtLeast("viewer", "editor")).toBe(false);
    expect(roleAtLeast(null, "viewer")).toBe(false);
  });

  it("lets room roles read, run, edit and delete a room's beings as the table says", () => {
    const table: Record<RoomRole | "none", string> = { none: "----", viewer: "r---", editor: "rre-", owner: "rred" };
    for (const role of [...ROOM_ROLES, "none"] as const) {
      const got = ACTIONS.map((action, i) => (decideBeing(ada, action, inRoom(role === "none" ? null : role)).ok ? "rred"[i] : "-")).join("");
      expect(got, role).toBe(table[role]);
    }
  });

  it("gives a person everything on their own beings and nothing on someone else's", () => {
    for (const action of ACTIONS) {
      expect(decideBeing(ada, action, { soul: "b", holder: { person: "ada", room: null }, core: false, roomRole: null }).ok).toBe(true);
      expect(decideBeing(ada, action, { soul: "b", holder: { person: "cy", room: null }, core: false, roomRole: null }).ok).toBe(false);
    }
  });

  it("lets every person read the core beings, and only the server's owner change them or unrecorded beings", () => {
    const core = { soul: "c", holder: null, core: true, roomRole: null };
    expect(decideBeing(ada, "read", core).ok).toBe(true);
    expect(decideBeing(ada, "edit", core).ok).toBe(false);
    expect(decideBeing(ada, "read", { ...core, core: false }).ok).toBe(false);
    expect(decideBeing(boss, "delete", { ...core, core: false }).ok).toBe(true);
  });

  it("sends anonymous callers to sign in, everywhere but anyone", () => {
    expect(decideSimple(anon, { kind: "anyone" }).ok).toBe(true);
    for (const decision of [
      decideSimple(anon, { kind: "person" }),
      decideSimple(anon, { kind: "owner" }),
      decideRoom(anon, "viewer", "r", null),
      decideBeing(anon, "read", inRoom("owner")),
    ])
      expect(decision).toMatchObject({ ok: false, code: "UNAUTHORIZED", message: expect.stringMatching(/Sign in first/) });
  });

  it("names the missing permission in its refusal", () => {
    expect(decideBeing(ada, "edit", inRoom("viewer"))).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/You are a viewer .* to edit being b1 you need the editor role/),
    });
    expect(decideBeing(ada, "read", inRoom(null))).toMatchObject({
      message: expect.stringMatching(/room you are not a member of; to read it you need the viewer role/),
    });
    expect(decideRoom(ada, "owner", "r1", "editor")).toMatchObject({
      message: expect.stringMatching(/You are an editor in room r1; this needs the owner role/),
    });
    expect(decideSimple(ada, { kind: "owner" })).toMatchObject({ code: "FORBIDDEN", message: "Only the server's owner may do this." });
  });

  it("makes viewers read-only in room sockets and keeps non-members out", () => {
    expect([null, "viewer", "editor", "owner"].map((r) => socketRole(ada, r as RoomRole | null))).toEqual([null, "viewer", "editor", "editor"]);
    expect(socketRole(anon, "owner")).toBeNull();
    expect(socketRole(boss, null)).toBe("editor");
  });

  describe("writes in a branch", () => {
    const branch = (holder: { person: string | null; room: string | null } | null, roomRole: RoomRole | null = null): BranchFacts => ({
      id: "b-1",
      name: "Bolder",
      being: { soul: "b-1", holder, core: false, roomRole },
      ownerName: holder?.person === "cy" ? "Cy" : null,
      label: false,
    });

    it("lets only who may edit the branch being write in it: its forker, its room's editors, the server's owner", () => {
      expect(decideBranchWrite(ada, branch({ person: "ada", room: null })).ok).toBe(true);
      expect(decideBranchWrite(ada, branch({ person: "cy", room: null })).ok).toBe(false);
      expect(decideBranchWrite(boss, branch({ person: "cy", room: null })).ok).toBe(true);
      expect(decideBranchWrite(ada, branch({ person: "cy", room: "r1" }, "editor")).ok).toBe(true);
      expect(decideBranchWrite(ada, branch({ person: "cy", room: "r1" }, "viewer")).ok).toBe(false);
      expect(decideBranchWrite(anon, branch({ person: "ada", room: null }))).toMatchObject({ code: "UNAUTHORIZED" });
    });

    it("tells a refused writer whose branch it is and to fork their own", () => {
      expect(decideBranchWrite(ada, branch({ person: "cy", room: null }))).toMatchObject({
        code: "FORBIDDEN",
        message:
          'Branch "Bolder" belongs to Cy: only they write in it. Fork your own branch from it (branches.fork with parent b-1) and write there, or write in main.',
      });
    });

    it("refuses a name no branch being could own, and leaves an unknown branch to the store's not-found", () => {
      expect(decideBranchWrite(ada, { id: "what-if", name: "what-if", being: null, ownerName: null, label: true })).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringMatching(/"what-if" is not a branch/),
      });
      expect(decideBranchWrite(boss, { id: "what-if", name: "what-if", being: null, ownerName: null, label: true }).ok).toBe(true);
      expect(decideBranchWrite(ada, { id: "b-2", name: "b-2", being: null, ownerName: null, label: false }).ok).toBe(true);
    });
  });

  describe("Tiki budgets", () => {
    const budget = { task: "t1", owner: "cy", ownerName: "Cy", readsSpend: false };

    it("lets only who set a budget first change it, and the server's owner", () => {
      expect(decideBudget(ada, "change", { ...budget, owner: "ada" }).ok).toBe(true);
      expect(decideBudget(boss, "change", budget).ok).toBe(true);
      expect(decideBudget(ada, "change", { ...budget, readsSpend: true }).ok).toBe(false);
      expect(decideBudget(ada, "change", { ...budget, owner: null, ownerName: null })).toMatchObject({
        message: expect.stringMatching(/belongs to the server's owner, who set it first/),
      });
      expect(decideBudget(anon, "read", budget)).toMatchObject({ code: "UNAUTHORIZED" });
    });

    it("shows a budget to its owner and to whoever may read a being that spent under it", () => {
      expect(decideBudget(ada, "read", budget)).toMatchObject({
        code: "FORBIDDEN",
        message: 'The budget of task "t1" belongs to Cy: only they, and whoever may read a being that spent under it, may see it.',
      });
      expect(decideBudget(ada, "read", { ...budget, readsSpend: true }).ok).toBe(true);
      expect(decideBudget(ada, "read", { ...budget, owner: "ada" }).ok).toBe(true);
    });
  });
});

import { describe, expect, it } from "vitest";
import { ROOM_ROLES, type BeingAction, type RoomRole } from "./access";
import { decideBeing, decideRoom, decideSimple, roleAtLeast, socketRole, type Principal } from "./policy";

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
});

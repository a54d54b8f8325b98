/**
 * The authorization matrix (issue 10): every procedure of appRouter, called on a team server
 * (LUXOS_AUTH=required) as anonymous, another person, a room viewer, a room editor and the owner,
 * compared with the table below. A procedure without a row fails the test: add one.
 *
 * A row: `"path": [input builder, "anon other viewer editor owner"]`, where each outcome is `ok`,
 * `U` (UNAUTHORIZED: sign in), `F` (FORBIDDEN: a missing permission) or another tRPC error code
 * the procedure answers once the caller passed (NOT_FOUND, BAD_REQUEST, …). A second row for the
 * same procedure is named `path#variant`. Builders run once per caller, so a destructive call gets
 * fresh things to destroy.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../lib/auth/policy";
import { coreSoul } from "../../lib/coreBeings";
import { createEvent } from "../../lib/events/createEvent";
import { createAuthService, personPrincipal, type AuthService } from "../auth/createAuthService";
import { createRoomSocketGate } from "../auth/roomSocketGate";
import type { Person } from "../db/identity";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { createRoomServer, type RoomServer } from "../rooms/createRoomServer";
import { signInvite } from "../rooms/inviteToken";
import { TEST_SECRET } from "../rooms/testing";
import { appRouter, createCaller } from "../root";
import { createContext } from "../trpc";

const CALLERS = ["anon", "other", "viewer", "editor", "owner"] as const;
type CallerName = (typeof CALLERS)[number];

interface World {
  people: Record<Exclude<CallerName, "anon">, Person>;
  /** The room: owner owns it, viewer and editor are members with those roles; other is no member. */
  room: string;
  /** A second room the owner owns, whose invites the callers accept. */
  lobby: string;
  /** Beings of the room, linked a → b. */
  a: string;
  b: string;
  rel: string;
  /** The owner's own being, in no room. */
  mine: string;
  /** A genesis being of the room. */
  coded: string;
  /** A branch the owner forked. */
  branch: string;
  fresh: {
    being(): Promise<string>;
    rel(): Promise<string>;
    member(): Promise<string>;
    invite(room?: string): Promise<{ token: string; id: string }>;
    branch(): Promise<string>;
    /** A fan-out the owner forked: its first variant's branch and being. */
    fanOut(): Promise<{ branch: string; being: string }>;
  };
}

type Row = [input: (w: World) => unknown, outcomes: string];

const event = (source: string) => createEvent({ type: "test.ping", source, data: {} });
const fact = (source: string) => ({ id: crypto.randomUUID(), text: "the room's shared fact", source });

/** THE TABLE. Outcomes for: anon other viewer editor owner. */
const MATRIX: Record<string, Row> = {
  "beings.create": [() => ({ genesis: { name: "Mine" } }), "U ok ok ok ok"],
  "beings.create#in-room": [(w) => ({ genesis: { name: "Shared", room: w.room } }), "U F F ok ok"],
  "beings.createMany": [() => ({ beings: [{ genesis: { name: "One" } }] }), "U ok ok ok ok"],
  "beings.get": [(w) => ({ soul: w.a }), "U F ok ok ok"],
  "beings.get#personal": [(w) => ({ soul: w.mine }), "U F F F ok"],
  "beings.get#core": [() => ({ soul: coreSoul("Kernel") }), "U ok ok ok ok"],
  "beings.update": [(w) => ({ soul: w.a, attributes: { touched: true } }), "U F F ok ok"],
  "beings.delete": [(w) => w.fresh.being().then((soul) => ({ soul })), "U F F F ok"],
  "beings.list": [() => ({}), "U ok ok ok ok"],
  // NOTE: only a branch's owner (who forked it; here "owner") writes in it, whatever the caller may do to the being itself
  // (the editor may edit A in main); reading a branch is as open as reading its beings (docs/api.md "Who may call what").
  "beings.create#in-branch": [(w) => ({ genesis: { name: "Tried" }, branch: w.branch }), "U F F F ok"],
  "beings.create#tagged-into-branch": [(w) => ({ genesis: { name: "Slipped in" }, branches: [w.branch] }), "U F F F ok"],
  "relationships.create#tagged-into-branch": [(w) => ({ source_soul: w.a, target_soul: w.b, branches: [w.branch] }), "U F F F ok"],
  "beings.createMany#in-branch": [(w) => ({ beings: [{ genesis: { name: "Tried" }, branch: w.branch }] }), "U F F F ok"],
  "beings.update#in-branch": [(w) => ({ soul: w.a, attributes: { tried: true }, branch: w.branch }), "U F F F ok"],
  "beings.delete#in-branch": [(w) => w.fresh.being().then((soul) => ({ soul, branch: w.branch })), "U F F F ok"],
  "beings.get#in-branch": [(w) => ({ soul: w.a, branch: w.branch }), "U F ok ok ok"],
  "beings.list#in-branch": [(w) => ({ branch: w.branch }), "U ok ok ok ok"],

  "relationships.create": [(w) => ({ source_soul: w.a, target_soul: w.b, tags: ["knows"] }), "U F F ok ok"],
  "relationships.createMany": [(w) => ({ relationships: [{ source_soul: w.a, target_soul: w.b }] }), "U F F ok ok"],
  "relationships.get": [(w) => ({ id: w.rel }), "U F ok ok ok"],
  "relationships.get#in-branch": [(w) => ({ id: w.rel, branch: w.branch }), "U F ok ok ok"],
  "relationships.update": [(w) => ({ id: w.rel, attributes: { touched: true } }), "U F F ok ok"],
  "relationships.update#in-branch": [(w) => ({ id: w.rel, attributes: { tried: true }, branch: w.branch }), "U F F F ok"],
  "relationships.delete": [(w) => w.fresh.rel().then((id) => ({ id })), "U F F ok ok"],
  "relationships.list": [() => ({}), "U ok ok ok ok"],
  "relationships.neighbors": [(w) => ({ soul: w.a }), "U F ok ok ok"],
  "relationships.path": [(w) => ({ from: w.a, to: w.b }), "U F ok ok ok"],

  "master.info": [() => undefined, "U ok ok ok ok"],
  "reasoning.status": [() => ({}), "ok ok ok ok ok"],
  "reasoning.models": [() => undefined, "U ok ok ok ok"],
  "reasoning.complete": [
    () => ({ messages: [{ role: "user", content: "hi" }] }),
    "U PRECONDITION_FAILED PRECONDITION_FAILED PRECONDITION_FAILED PRECONDITION_FAILED",
  ],

  "rooms.create": [() => ({ name: "Another" }), "U ok ok ok ok"],
  "rooms.list": [() => ({}), "U ok ok ok ok"],
  "rooms.get": [(w) => ({ room: w.room }), "U F ok ok ok"],
  "rooms.access": [(w) => ({ room: w.room }), "U F ok ok ok"],
  "rooms.members": [(w) => ({ room: w.room }), "U F ok ok ok"],
  "rooms.setRole": [(w) => w.fresh.member().then((person) => ({ room: w.room, person, role: "editor" })), "U F F F ok"],
  "rooms.removeMember": [(w) => w.fresh.member().then((person) => ({ room: w.room, person })), "U F F F ok"],
  "rooms.invite": [(w) => ({ room: w.room, role: "viewer" }), "U F F F ok"],
  "rooms.invites": [(w) => ({ room: w.room }), "U F F F ok"],
  "rooms.revokeInvite": [(w) => w.fresh.invite().then(({ id }) => ({ room: w.room, id })), "U F F F ok"],
  "rooms.acceptInvite": [(w) => w.fresh.invite(w.lobby).then(({ token }) => ({ token })), "U ok ok ok ok"],
  "rooms.checkInvite": [(w) => w.fresh.invite().then(({ token }) => ({ room: w.room, token })), "ok ok ok ok ok"],
  "rooms.postMission": [(w) => ({ room: w.room, title: "Ship it" }), "U F F ok ok"],

  "lux.fetch": [() => ({ url: "not a url" }), "U BAD_REQUEST BAD_REQUEST BAD_REQUEST BAD_REQUEST"],
  "events.push": [(w) => ({ events: [event(w.a)] }), "U F F ok ok"],
  // NOTE: only the server's owner speaks as the master; the "owner" column owns the room, not the server.
  "events.push#as-master": [() => ({ events: [event("master")] }), "U F F F F"],
  "knowledge.push": [(w) => ({ facts: [fact(w.a)] }), "U F F ok ok"],
  "knowledge.push#in-branch": [(w) => ({ facts: [{ ...fact(w.a), branch: w.branch }] }), "U F F F ok"],
  // NOTE: a name that is no branch being's soul could never have an owner, so nobody but the server's owner writes under it.
  "knowledge.push#label": [(w) => ({ facts: [{ ...fact(w.a), branch: "what-if" }] }), "U F F F F"],
  "knowledge.ask": [() => ({ text: "shared fact" }), "U ok ok ok ok"],
  "knowledge.pull": [() => ({}), "U ok ok ok ok"],

  "genesis.create": [() => ({ name: "Coded", source: "def run():\n    return 1\n" }), "U ok ok ok ok"],
  "genesis.create#ancestry": [(w) => ({ name: "Heir", source: "def run():\n    return 1\n", ancestors: [w.mine] }), "U F F F ok"],
  "genesis.get": [(w) => ({ soul: w.coded }), "U F ok ok ok"],
  "genesis.evolve": [(w) => ({ soul: w.coded, source: "def run():\n    return 2\n", dry_run: true }), "U F F ok ok"],
  "genesis.reconstruct": [(w) => ({ soul: w.coded, version: 1 }), "U F ok ok ok"],
  "genesis.diff": [(w) => ({ a: { soul: w.coded, version: 1 }, b: { soul: w.coded, version: 1 } }), "U F ok ok ok"],
  "genesis.diff#other-side": [(w) => ({ a: { soul: w.coded, version: 1 }, b: { soul: w.mine, version: 1 } }), "U F F F NOT_FOUND"],
  "genesis.lineage": [(w) => ({ soul: w.coded }), "U F ok ok ok"],
  "genesis.export": [(w) => ({ soul: w.coded }), "U F ok ok ok"],
  "genesis.import": [(w) => exportOf(w).then((file) => ({ file, new_soul_if_taken: true })), "U ok ok ok ok"],

  "timeline.query": [(w) => ({ being: w.a }), "U F ok ok ok"],
  "timeline.query#room": [(w) => ({ room: w.room }), "U F ok ok ok"],
  // NOTE: the whole log is the server owner's alone; the "owner" column owns a room, not the server.
  "timeline.query#whole": [() => ({}), "U F F F F"],
  "timeline.tail": [(w) => ({ being: w.a, after: 0, wait_ms: 0 }), "U F ok ok ok"],
  "timeline.tail#whole": [() => ({ after: 0, wait_ms: 0 }), "U F F F F"],
  "timeline.head": [() => undefined, "U ok ok ok ok"],
  "timeline.trace": [() => ({ trace: "0123456789abcdef0123456789abcdef" }), "U ok ok ok ok"],
  "timeline.beingHistory": [(w) => ({ soul: w.a }), "U F ok ok ok"],
  "timeline.beingHistory#personal": [(w) => ({ soul: w.mine }), "U F F F ok"],
  "timeline.beingAt": [(w) => ({ soul: w.a }), "U F ok ok ok"],
  "timeline.restoreBeing": [(w) => ({ soul: w.a, moment: { at: new Date().toISOString() } }), "U F F ok ok"],
  "timeline.roomHistory": [(w) => ({ room: w.room }), "U F ok ok ok"],
  "timeline.roomAt": [(w) => ({ room: w.room }), "U F ok ok ok"],
  "timeline.restoreRoom": [(w) => ({ room: w.room, moment: { at: new Date().toISOString() } }), "U F F ok ok"],
  "timeline.export": [(w) => ({ being: w.a }), "U F ok ok ok"],
  "timeline.export#whole": [() => ({}), "U F F F F"],
  "timeline.import": [() => ({ ndjson: "{}" }), "U F F F F"],
  "timeline.retention": [() => ({}), "U ok ok ok ok"],
  "timeline.roomRetention": [(w) => ({ room: w.room }), "U F ok ok ok"],
  "timeline.setRetention": [(w) => ({ room: w.room, hot_days: 30 }), "U F F F ok"],

  "branches.tree": [() => undefined, "U ok ok ok ok"],
  "branches.get": [(w) => ({ branch: w.branch }), "U ok ok ok ok"],
  "branches.fork": [() => ({ name: "Try" }), "U ok ok ok ok"],
  "branches.kpis": [(w) => ({ branches: [w.branch] }), "U ok ok ok ok"],
  // NOTE: a branch belongs to whoever forked it (here the "owner" person, in no room).
  "branches.preview": [(w) => ({ branch: w.branch }), "U F F F ok"],
  "branches.merge": [(w) => w.fresh.branch().then((branch) => ({ branch })), "U F F F ok"],
  "branches.drop": [(w) => w.fresh.branch().then((branch) => ({ branch })), "U F F F ok"],
  "branches.archive": [(w) => w.fresh.branch().then((branch) => ({ branch })), "U F F F ok"],
  "branches.fanOut": [() => ({ input: "x", program: "REPORT input TO master", variants: [{ name: "a" }, { name: "b" }] }), "U ok ok ok ok"],
  "branches.fanOutFork": [() => ({ input: "x", program: "REPORT input TO master", variants: [{ name: "a" }, { name: "b" }] }), "U ok ok ok ok"],
  // NOTE: copying a being into the fan-out's branches needs read on it: the owner's own being is theirs alone.
  "branches.fanOutFork#being": [
    (w) => ({ input: "x", program: "REPORT input TO master", variants: [{ name: "a" }, { name: "b" }], being: w.mine }),
    "U F F F ok",
  ],
  // NOTE: a variant's output is recorded by whoever may edit its branch: the owner, who fanned out.
  "branches.fanOutRecord": [
    (w) => w.fresh.fanOut().then(({ branch, being }) => ({ branch, being, ok: true, output: { reply: "hi" }, error: null, tiki: 3, steps: 1 })),
    "U F F F ok",
  ],
  "tiki.report": [(w) => ({ being: w.a, entries: [{ id: crypto.randomUUID(), kind: "lux", tiki: 3 }] }), "U F F ok ok"],
  // NOTE: whoever sets a task's budget first owns it ("owner" set "olive-task" and "room-task" in the setup).
  "tiki.setBudget": [() => ({ task: `mine-${crypto.randomUUID()}`, budget: 100 }), "U ok ok ok ok"],
  "tiki.setBudget#someone-elses": [() => ({ task: "olive-task", budget: 1_000_000 }), "U F F F ok"],
  "tiki.setBudget#in-branch": [(w) => ({ task: `mine-${crypto.randomUUID()}`, branch: w.branch, budget: 100 }), "U F F F ok"],
  "tiki.budget": [() => ({ task: "olive-task" }), "U F F F ok"],
  "tiki.budget#none-yet": [() => ({ task: "nobody-budgeted-this" }), "U ok ok ok ok"],
  // NOTE: room being A spent under room-task, so whoever may read A sees the task's budget.
  "tiki.budget#spent-by-a-room-being": [() => ({ task: "room-task" }), "U F ok ok ok"],
  "tiki.route": [() => ({ scope: {}, need: { tokens_in: 10, tokens_out: 10 } }), "U ok ok ok ok"],
  "tiki.ledger": [() => ({}), "U ok ok ok ok"],
  "tiki.ledger#being": [(w) => ({ being: w.a }), "U F ok ok ok"],
  "tiki.summary": [() => ({ branch: "main" }), "U ok ok ok ok"],

  "auth.me": [() => undefined, "ok ok ok ok ok"],
  "auth.invite": [(w) => w.fresh.invite().then(({ token }) => ({ token })), "ok ok ok ok ok"],
  "auth.registerOptions": [(w) => w.fresh.invite().then(({ token }) => ({ name: "Newcomer", invite: token })), "ok ok ok ok ok"],
  "auth.registerOptions#no-invite": [() => ({ name: "Gatecrasher" }), "F F F F F"],
  "auth.register": [() => ({ response: fakeCredential() }), "BAD_REQUEST BAD_REQUEST BAD_REQUEST BAD_REQUEST BAD_REQUEST"],
  "auth.signInOptions": [() => undefined, "ok ok ok ok ok"],
  "auth.signIn": [() => ({ response: fakeCredential() }), "BAD_REQUEST BAD_REQUEST BAD_REQUEST BAD_REQUEST BAD_REQUEST"],
  "auth.signOut": [() => undefined, "U ok ok ok ok"],
  "auth.updateMe": [() => ({ colour: "#10b981" }), "U ok ok ok ok"],
  "auth.passkeys": [() => undefined, "U ok ok ok ok"],
  "auth.addPasskeyOptions": [() => undefined, "U ok ok ok ok"],
  "auth.addPasskey": [() => ({ response: fakeCredential() }), "U BAD_REQUEST BAD_REQUEST BAD_REQUEST BAD_REQUEST"],
  "auth.revokePasskey": [() => ({ id: "bm90LWEta2V5" }), "U NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND"],
};

function fakeCredential() {
  const clientDataJSON = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge: "never-issued", origin: "http://localhost:3000" })).toString(
    "base64url",
  );
  return { id: "AAAA", rawId: "AAAA", type: "public-key", response: { clientDataJSON, authenticatorData: "", signature: "" }, clientExtensionResults: {} };
}

let exported: Promise<unknown> | undefined;
let exportStore: MasterStore;
function exportOf(w: World): Promise<unknown> {
  return (exported ??= exportStore.genesis.export(w.coded));
}

function outcomeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === "fulfilled") return "ok";
  const error: unknown = result.reason;
  if (!(error instanceof TRPCError)) throw error;
  return error.code === "UNAUTHORIZED" ? "U" : error.code === "FORBIDDEN" ? "F" : error.code;
}

describe("authorization matrix (LUXOS_AUTH=required)", () => {
  let store: MasterStore;
  let world: World;
  let service: AuthService;
  let roomServer: RoomServer;
  const principals = {} as Record<CallerName, { principal: Principal; person: Person | null }>;

  const callerFor = (who: CallerName) =>
    createCaller(
      createContext(store, {
        roomSecret: TEST_SECRET,
        roomServer,
        auth: { mode: "required", ...principals[who], sessionToken: undefined, ip: who, service, addHeader: () => undefined },
      }),
    );

  beforeAll(async () => {
    store = exportStore = await openStore({ kind: "pglite" });
    service = createAuthService(store, { mode: "required", origin: "http://localhost:3000", rpId: "localhost", secure: false });
    roomServer = createRoomServer({ rooms: store.rooms, secret: TEST_SECRET });
    const id = store.identity;
    const people = {
      owner: await id.createPerson({ name: "Olive", serverOwner: false }),
      viewer: await id.createPerson({ name: "Vic", serverOwner: false }),
      editor: await id.createPerson({ name: "Eda", serverOwner: false }),
      other: await id.createPerson({ name: "Otto", serverOwner: false }),
    };
    principals.anon = { principal: { kind: "anonymous" }, person: null };
    for (const who of ["owner", "viewer", "editor", "other"] as const) principals[who] = { principal: personPrincipal(people[who]), person: people[who] };
    // NOTE: the owner here owns the room, not the server: the server's owner may do anything, which would test nothing.
    const asOwner = callerFor("owner");
    const room = (await asOwner.rooms.create({ name: "Studio" })).id;
    const lobby = (await asOwner.rooms.create({ name: "Lobby" })).id;
    await id.setRole(room, people.viewer.soul, "viewer");
    await id.setRole(room, people.editor.soul, "editor");
    const inRoom = async (name: string) => (await asOwner.beings.create({ genesis: { name, room } })).soul;
    const a = await inRoom("A");
    const b = await inRoom("B");
    const rel = (await asOwner.relationships.create({ source_soul: a, target_soul: b })).id;
    const mine = (await asOwner.beings.create({ genesis: { name: "Olive's own" } })).soul;
    const coded = (await asOwner.genesis.create({ name: "Room code", source: "def run():\n    return 0\n" })).soul;
    await id.setHolder([coded], { person: people.owner.soul, room });
    await asOwner.tiki.setBudget({ task: "olive-task", budget: 100 });
    await asOwner.tiki.setBudget({ task: "room-task", budget: 50 });
    await asOwner.tiki.report({ being: a, entries: [{ id: crypto.randomUUID(), kind: "lux", tiki: 3, task: "room-task" }] });
    const fork = async () => (await asOwner.branches.fork({ name: "Experiment" })).id;
    const branch = await fork();
    const fanOut = async () => {
      const task = await asOwner.branches.fanOutFork({ input: "x", program: "REPORT input TO master", variants: [{ name: "a" }, { name: "b" }] });
      const variant = task.variants[0]!;
      return { branch: variant.branch.id, being: variant.being.soul };
    };
    world = {
      people,
      room,
      lobby,
      a,
      b,
      rel,
      mine,
      coded,
      branch,
      fresh: {
        branch: fork,
        fanOut,
        being: () => inRoom("Doomed"),
        rel: async () => (await asOwner.relationships.create({ source_soul: a, target_soul: b, tags: ["doomed"] })).id,
        member: async () => {
          const person = await id.createPerson({ name: "Temp", serverOwner: false });
          await id.setRole(room, person.soul, "viewer");
          return person.soul;
        },
        invite: async (where = room) => {
          const { token, invite } = signInvite(TEST_SECRET, where, "viewer", 3600);
          await id.recordInvite({ token, room: where, role: "viewer", createdBy: people.owner.soul, expiresAt: new Date(invite.exp) });
          const pending = await id.pendingInvites(where);
          return { token, id: pending[0]!.id };
        },
      },
    };
  });
  afterAll(async () => {
    await roomServer.close();
    await store.close();
  });

  it("has a row for every procedure, and no row for a procedure that does not exist", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const rows = [...new Set(Object.keys(MATRIX).map((k) => k.split("#")[0]!))].sort();
    expect(
      procedures.filter((p) => !rows.includes(p)),
      "procedures without a row in MATRIX",
    ).toEqual([]);
    expect(
      rows.filter((r) => !procedures.includes(r)),
      "rows for procedures that do not exist",
    ).toEqual([]);
  });

  it.each(Object.entries(MATRIX))("%s answers each caller as the table says", async (path, [input, expected]) => {
    const got: string[] = [];
    for (const who of CALLERS) {
      const procedure = path
        .split("#")[0]!
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], callerFor(who)) as (i: unknown) => Promise<unknown>;
      const [result] = await Promise.allSettled([Promise.resolve(input(world)).then((i) => procedure(i))]);
      got.push(outcomeOf(result));
    }
    expect(got.join(" ")).toBe(expected);
  });

  it("tells a caller which permission is missing", async () => {
    await expect(callerFor("viewer").beings.update({ soul: world.a, attributes: {} })).rejects.toThrow(
      /You are a viewer in this being's room; to edit being .* you need the editor role/,
    );
    await expect(callerFor("other").rooms.get({ room: world.room })).rejects.toThrow(/You are not a member of room .*; this needs the viewer role/);
    await expect(callerFor("anon").beings.list({})).rejects.toThrow(/Sign in first/);
    await expect(callerFor("editor").tiki.setBudget({ task: "olive-task", budget: 1 })).rejects.toThrow(
      /The budget of task "olive-task" belongs to Olive, who set it first: only they change it/,
    );
    await expect(callerFor("editor").beings.update({ soul: world.a, attributes: {}, branch: world.branch })).rejects.toThrow(
      /Branch "Experiment" belongs to Olive: only they write in it\. Fork your own branch from it \(branches\.fork with parent [0-9a-f-]{36}\)/,
    );
  });

  it("scopes lists and search to what the caller may read", async () => {
    const souls = async (who: CallerName) => (await callerFor(who).beings.list({ limit: 200 })).items.map((b) => b.soul);
    expect(await souls("viewer")).toEqual(expect.arrayContaining([world.a, world.b]));
    expect(await souls("other")).not.toContain(world.a);
    expect(await souls("viewer")).not.toContain(world.mine);
    expect((await callerFor("other").rooms.list({})).items.map((r) => r.id)).not.toContain(world.room);
    expect((await callerFor("viewer").rooms.list({})).items).toEqual(expect.arrayContaining([expect.objectContaining({ id: world.room, role: "viewer" })]));
    // the room's knowledge: taught by a room being, readable by its members only
    await callerFor("editor").knowledge.push({ facts: [{ id: crypto.randomUUID(), text: "the kiln runs at 1200 degrees", source: world.a }] });
    const ask = async (who: CallerName) => (await callerFor(who).knowledge.ask({ text: "kiln temperature", k: 20 })).hits.map((h) => h.text);
    expect(await ask("viewer")).toContain("the kiln runs at 1200 degrees");
    expect(await ask("other")).not.toContain("the kiln runs at 1200 degrees");
    expect((await callerFor("other").knowledge.pull({})).facts.map((f) => f.text)).not.toContain("the kiln runs at 1200 degrees");
  });

  it("keeps a room's last owner, and lets an owner promote and demote", async () => {
    const asOwner = callerFor("owner");
    await expect(asOwner.rooms.setRole({ room: world.room, person: world.people.owner.soul, role: "viewer" })).rejects.toThrow(/at least one owner/);
    const person = await world.fresh.member();
    await asOwner.rooms.setRole({ room: world.room, person, role: "editor" });
    expect((await asOwner.rooms.members({ room: world.room })).items.find((m) => m.person === person)?.role).toBe("editor");
  });

  it("opens a room socket as the table says (anon other viewer editor owner)", async () => {
    const gate = createRoomSocketGate(service, store);
    const got: string[] = [];
    for (const who of CALLERS) {
      const person = principals[who].person;
      const cookie = person ? `luxos_session=${(await store.identity.createSession(person.soul, 60_000)).token}` : "";
      const decision = await gate({ headers: { cookie }, socket: { remoteAddress: `socket-${who}` } } as never, world.room);
      got.push(decision.ok ? (decision.grant?.role ?? "token") : String(decision.status));
    }
    expect(got.join(" ")).toBe("401 403 viewer editor editor");
  });
});

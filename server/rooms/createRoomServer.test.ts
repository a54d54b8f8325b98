import type { WebSocket } from "ws";
import * as encoding from "lib0/encoding";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { signInvite } from "./inviteToken";
import { CloseCode, MessageType, READ_ONLY_REASON, SyncStep } from "./protocol";
import { encodeUpdate } from "./roomMessages";
import { connectClient, rawClient, startTestRoomServer, synced, TEST_SECRET, tokenFor, until, upgradeStatus, type TestRoomServer } from "./testing";

describe("the room server", () => {
  let store: MasterStore;
  let server: TestRoomServer;
  const providers: WebsocketProvider[] = [];
  const client = (room: string, token = tokenFor(room), url = server.url) => {
    const c = connectClient(url, room, token);
    providers.push(c.provider);
    return c;
  };

  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    server = await startTestRoomServer(store);
  });
  afterEach(() => {
    for (const p of providers.splice(0)) p.destroy();
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  const newRoom = async () => (await store.rooms.create({ name: "Team", owner: "ada" })).id;

  it("lets two clients converge, both ways", async () => {
    const room = await newRoom();
    const a = client(room);
    const b = client(room);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.doc.getMap("m").set("from-a", 1);
    b.doc.getText("t").insert(0, "hello");
    await until(() => b.doc.getMap("m").get("from-a") === 1 && a.doc.getText("t").toJSON() === "hello", 5_000, "convergence");
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });

  it("gives a late joiner the full state, and presence", async () => {
    const room = await newRoom();
    const a = client(room);
    await synced(a.provider);
    const notes = a.doc.getArray<string>("notes");
    for (let i = 0; i < 50; i++) notes.push([`note ${i}`]);
    a.provider.awareness.setLocalStateField("user", { name: "ada", looking_at: "being-1" });
    await new Promise((r) => setTimeout(r, 100));
    const late = client(room);
    await synced(late.provider);
    await until(() => late.doc.getArray("notes").length === 50, 5_000, "the late joiner's state");
    await until(
      () => [...late.provider.awareness.getStates().values()].some((s) => (s["user"] as { name?: string } | undefined)?.name === "ada"),
      5_000,
      "presence",
    );
  });

  it("keeps the room across a server restart over the same store", async () => {
    const room = await newRoom();
    const a = client(room);
    await synced(a.provider);
    a.doc.getMap("board").set("mission", "ship rooms");
    a.doc.getText("notes").insert(0, "durable");
    // Closing the server stores what it has queued before it lets go.
    await until(() => server.rooms.stats().connections === 1, 2_000, "the connection");
    await new Promise((r) => setTimeout(r, 50));
    a.provider.destroy();
    await server.close();
    server = await startTestRoomServer(store);
    const b = client(room);
    await synced(b.provider);
    await until(() => b.doc.getMap("board").get("mission") === "ship rooms", 5_000, "the restored doc");
    expect(b.doc.getText("notes").toJSON()).toBe("durable");
  });

  it("stores every accepted update before it is broadcast", async () => {
    const room = await newRoom();
    const a = client(room);
    const b = client(room);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.doc.getMap("m").set("k", "v");
    await until(() => b.doc.getMap("m").get("k") === "v", 5_000, "the broadcast");
    const { updates } = await store.rooms.loadUpdates(room);
    const fromStore = new Y.Doc();
    for (const u of updates) Y.applyUpdate(fromStore, u);
    expect(fromStore.getMap("m").get("k")).toBe("v");
  });

  it("never lets a viewer's edits land, tells it so, and still shares its presence", async () => {
    const room = await newRoom();
    const editor = client(room);
    await synced(editor.provider);
    editor.doc.getMap("m").set("owner", "editor");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const viewer = client(room, tokenFor(room, "viewer"));
    await synced(viewer.provider);
    await until(() => viewer.doc.getMap("m").get("owner") === "editor", 5_000, "the viewer to see the room");
    viewer.doc.getMap("m").set("owner", "viewer");
    viewer.doc.getMap("m").set("vandal", true);
    viewer.provider.awareness.setLocalStateField("user", { name: "guest" });
    await until(
      () => [...editor.provider.awareness.getStates().values()].some((s) => (s["user"] as { name?: string } | undefined)?.name === "guest"),
      5_000,
      "viewer presence",
    );
    await until(() => warn.mock.calls.some((c) => String(c[0]).includes(READ_ONLY_REASON)), 5_000, "the read-only notice");
    warn.mockRestore();
    expect(editor.doc.getMap("m").get("vandal")).toBeUndefined();
    expect(editor.doc.getMap("m").get("owner")).toBe("editor");
    const { updates } = await store.rooms.loadUpdates(room);
    const fromStore = new Y.Doc();
    for (const u of updates) Y.applyUpdate(fromStore, u);
    expect(fromStore.getMap("m").toJSON()).toEqual({ owner: "editor" });
  });

  describe("refuses the upgrade before any sync", () => {
    it.each([
      ["no token", () => "", 401, /No invite token/],
      ["a garbage token", () => "abc.def", 401, /not valid/],
      [
        "a token signed with another secret",
        (room: string) => signInvite(new TextEncoder().encode("x".repeat(40)), room, "editor", 60).token,
        401,
        /not valid/,
      ],
      ["an expired token", (room: string) => signInvite(TEST_SECRET, room, "editor", 60, Date.now() - 120_000).token, 401, /expired/],
      ["a tampered token", (room: string) => tokenFor(room).replace(/^./, (c) => (c === "e" ? "f" : "e")), 401, /not valid/],
    ])("with %s", async (_label, make, status, message) => {
      const room = await newRoom();
      const token = make(room);
      const res = await upgradeStatus(server.port, `/rooms/${room}${token ? `?token=${encodeURIComponent(token)}` : ""}`);
      expect(res.status).toBe(status);
      expect(res.body).toMatch(message);
    });

    it("with a token for another room (403)", async () => {
      const [one, other] = [await newRoom(), await newRoom()];
      const res = await upgradeStatus(server.port, `/rooms/${other}?token=${encodeURIComponent(tokenFor(one))}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatch(/another room/);
    });

    it("for a room that does not exist (404), even with a valid token for its id", async () => {
      const ghost = "99999999-9999-4999-8999-999999999999";
      expect((await upgradeStatus(server.port, `/rooms/${ghost}?token=${encodeURIComponent(tokenFor(ghost))}`)).status).toBe(404);
    });

    it("but accepts the token as a Sec-WebSocket-Protocol value and echoes it", async () => {
      const room = await newRoom();
      const token = tokenFor(room, "viewer");
      expect((await upgradeStatus(server.port, `/rooms/${room}`, { "Sec-WebSocket-Protocol": token })).status).toBe(101);
    });
  });

  describe("closes only the offending connection", () => {
    const cases: [string, (ws: WebSocket) => void, number][] = [
      ["a text frame", (ws) => ws.send("hello"), CloseCode.notBinary],
      ["garbage bytes", (ws) => ws.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])), CloseCode.malformed],
      ["an unknown message type", (ws) => ws.send(new Uint8Array([9, 0, 0])), CloseCode.malformed],
      ["a sync frame whose update is garbage", (ws) => ws.send(encodeUpdate(new Uint8Array([5, 200, 1, 7, 7, 7, 7]))), CloseCode.malformed],
      ["a truncated sync frame", (ws) => ws.send(new Uint8Array([MessageType.sync, SyncStep.update, 50, 1, 2])), CloseCode.malformed],
      ["an oversized frame", (ws) => ws.send(new Uint8Array(1024 * 1024 + 10)), CloseCode.tooBig],
      ["an awareness frame that is not JSON", (ws) => ws.send(awarenessGarbage()), CloseCode.malformed],
    ];
    it.each(cases)("on %s", async (_label, send, code) => {
      const room = await newRoom();
      const good = client(room);
      const watcher = client(room);
      await Promise.all([synced(good.provider), synced(watcher.provider)]);
      const bad = await rawClient(`${server.url}/${room}?token=${encodeURIComponent(tokenFor(room))}`);
      send(bad.ws);
      const closed = await bad.closed;
      expect(closed.code).toBe(code);
      expect(closed.reason.length).toBeGreaterThan(0);
      good.doc.getMap("m").set("still", "syncing");
      await until(() => watcher.doc.getMap("m").get("still") === "syncing", 5_000, "the other clients to keep syncing");
      expect(good.provider.wsconnected && watcher.provider.wsconnected).toBe(true);
    });
  });

  it("compacts the update log and keeps the content", async () => {
    const local = await startTestRoomServer(store, { compactAfterUpdates: 20 });
    const room = await newRoom();
    const a = client(room, tokenFor(room), local.url);
    await synced(a.provider);
    const text = a.doc.getText("t");
    for (let i = 0; i < 75; i++) text.insert(text.length, `${i % 10}`);
    const expected = text.toJSON();
    await until(() => local.rooms.stats().connections === 1, 2_000, "the connection");
    a.provider.destroy();
    await local.close();
    const { updates } = await store.rooms.loadUpdates(room);
    expect(updates.length).toBeLessThanOrEqual(21);
    const fromStore = new Y.Doc();
    for (const u of updates) Y.applyUpdate(fromStore, u);
    expect(fromStore.getText("t").toJSON()).toBe(expected);
  });

  it("closes a connection that sends faster than its rate", async () => {
    const local = await startTestRoomServer(store, { rateBurst: 5, ratePerSecond: 1 });
    try {
      const room = await newRoom();
      const bad = await rawClient(`${local.url}/${room}?token=${encodeURIComponent(tokenFor(room))}`);
      for (let i = 0; i < 20; i++) bad.ws.send(new Uint8Array([MessageType.queryAwareness]));
      expect((await bad.closed).code).toBe(CloseCode.rateLimited);
    } finally {
      await local.close();
    }
  });

  it("refuses updates that would grow the document beyond its cap", async () => {
    const local = await startTestRoomServer(store, { maxDocBytes: 4_000 });
    try {
      const room = await newRoom();
      const bad = await rawClient(`${local.url}/${room}?token=${encodeURIComponent(tokenFor(room))}`);
      const doc = new Y.Doc();
      doc.getText("t").insert(0, "x".repeat(5_000));
      bad.ws.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
      expect((await bad.closed).code).toBe(CloseCode.docTooLarge);
      expect((await store.rooms.loadUpdates(room)).updates).toHaveLength(0);
    } finally {
      await local.close();
    }
  });

  it("merges edits a client made offline when it reconnects", async () => {
    const room = await newRoom();
    const a = client(room);
    const b = client(room);
    await Promise.all([synced(a.provider), synced(b.provider)]);
    a.provider.disconnect();
    a.doc.getMap("m").set("offline", "a");
    b.doc.getMap("m").set("online", "b");
    await new Promise((r) => setTimeout(r, 50));
    expect(b.doc.getMap("m").get("offline")).toBeUndefined();
    a.provider.connect();
    await until(() => b.doc.getMap("m").get("offline") === "a" && a.doc.getMap("m").get("online") === "b", 5_000, "the offline merge");
  });

  it("closes a room's connections when the master refuses a write, and heals on reconnect", async () => {
    let failNext = true;
    const errors: unknown[] = [];
    const flaky = {
      ...store.rooms,
      appendUpdate: (id: string, update: Uint8Array) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error("disk full"));
        }
        return store.rooms.appendUpdate(id, update);
      },
    };
    const local = await startTestRoomServer(store, { rooms: flaky, onError: (e) => errors.push(e) });
    try {
      const room = await newRoom();
      const a = client(room, tokenFor(room), local.url);
      await synced(a.provider);
      const closes: number[] = [];
      a.provider.on("connection-close", (event) => event && closes.push(event.code));
      a.doc.getMap("m").set("kept", true);
      await until(() => closes.includes(CloseCode.serverError), 5_000, "the 1011 close");
      expect(errors).toHaveLength(1);
      // The provider reconnects; its sync step 2 carries the edit again and this time it is stored.
      await until(() => a.provider.wsconnected && a.provider.synced, 5_000, "the reconnect");
      const stored = async () => {
        const doc = new Y.Doc();
        for (const u of (await store.rooms.loadUpdates(room)).updates) Y.applyUpdate(doc, u);
        return doc.getMap("m").get("kept");
      };
      const start = Date.now();
      while ((await stored()) !== true && Date.now() - start < 5_000) await new Promise((r) => setTimeout(r, 20));
      expect(await stored()).toBe(true);
    } finally {
      await local.close();
    }
  });

  it("unloads a room after its last client leaves", async () => {
    const room = await newRoom();
    const a = client(room);
    await synced(a.provider);
    expect(server.rooms.isLoaded(room)).toBe(true);
    a.provider.destroy();
    await until(() => !server.rooms.isLoaded(room), 5_000, "the room to unload");
    // It comes back intact on the next connection.
    const b = client(room);
    await synced(b.provider);
    expect(server.rooms.isLoaded(room)).toBe(true);
  });
});

function awarenessGarbage(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.awareness);
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1); // one client
  encoding.writeVarUint(inner, 42); // client id
  encoding.writeVarUint(inner, 1); // clock
  encoding.writeVarString(inner, "{not json");
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Person } from "../db/identity";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { CloseCode } from "../rooms/protocol";
import { startTestRoomServer, synced, until, upgradeStatus, type TestRoomServer } from "../rooms/testing";
import { createAuthService } from "./createAuthService";
import { createRoomSocketGate } from "./roomSocketGate";

/** A y-websocket client that presents a session cookie instead of an invite token. */
function connectAs(url: string, room: string, cookie: string) {
  class CookieSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill: CookieSocket as never, disableBc: true, maxBackoffTime: 100 });
  return { doc, provider };
}

async function storedDoc(store: MasterStore, room: string): Promise<Record<string, unknown>> {
  const doc = new Y.Doc();
  for (const u of (await store.rooms.loadUpdates(room)).updates) Y.applyUpdate(doc, u);
  return doc.getMap("m").toJSON();
}

describe("room sockets on a team server (LUXOS_AUTH=required)", () => {
  let store: MasterStore;
  let server: TestRoomServer;
  let room: string;
  const cookies: Record<string, string> = {};
  const people: Record<string, Person> = {};

  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    const auth = createAuthService(store, { mode: "required", origin: "http://localhost:3000", rpId: "localhost", secure: false });
    server = await startTestRoomServer(store, {}, createRoomSocketGate(auth, store));
    room = (await store.rooms.create({ name: "Gated", owner: "Olive" })).id;
    for (const [name, role] of [
      ["editor", "editor"],
      ["viewer", "viewer"],
      ["outsider", null],
    ] as const) {
      people[name] = await store.identity.createPerson({ name, serverOwner: false });
      if (role) await store.identity.setRole(room, people[name].soul, role);
      cookies[name] = `luxos_session=${(await store.identity.createSession(people[name].soul, 60_000)).token}`;
    }
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it("refuses the signed-out with 401 and non-members with 403, whatever token they bring", async () => {
    expect((await upgradeStatus(server.port, `/rooms/${room}`)).status).toBe(401);
    expect((await upgradeStatus(server.port, `/rooms/${room}`, { cookie: "luxos_session=forged" })).status).toBe(401);
    const outsider = await upgradeStatus(server.port, `/rooms/${room}`, { cookie: cookies["outsider"]! });
    expect(outsider.status).toBe(403);
    expect(outsider.body).toMatch(/not a member/);
  });

  it("drops a viewer's edits, takes an editor's, and applies a new role at once", async () => {
    const editor = connectAs(server.url, room, cookies["editor"]!);
    const viewer = connectAs(server.url, room, cookies["viewer"]!);
    await Promise.all([synced(editor.provider), synced(viewer.provider)]);
    editor.doc.getMap("m").set("by", "editor");
    await until(() => viewer.doc.getMap("m").get("by") === "editor", 5_000, "the viewer to see the edit");
    viewer.doc.getMap("m").set("vandal", true);
    await new Promise((r) => setTimeout(r, 300));
    expect(editor.doc.getMap("m").get("vandal")).toBeUndefined();
    expect(await storedDoc(store, room)).toEqual({ by: "editor" });

    // promoted: the server closes the viewer's socket (4003) and it reconnects as an editor
    const closes: number[] = [];
    viewer.provider.on("connection-close", (event) => event && closes.push(event.code));
    await store.identity.setRole(room, people["viewer"]!.soul, "editor");
    server.rooms.disconnect(room, people["viewer"]!.soul, "your role in this room changed; reconnecting");
    await until(() => closes.includes(CloseCode.roleChanged), 5_000, "the role-change close");
    await synced(viewer.provider);
    await until(() => viewer.provider.wsconnected, 5_000, "the reconnect");
    viewer.doc.getMap("m").set("promoted", true);
    await until(() => editor.doc.getMap("m").get("promoted") === true, 5_000, "the promoted edit to land");
    editor.provider.destroy();
    viewer.provider.destroy();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { startTestRoomServer, tokenFor, upgradeStatus, type TestRoomServer } from "./testing";

describe("the /rooms/<roomId> upgrade path", () => {
  let store: MasterStore;
  let server: TestRoomServer;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    server = await startTestRoomServer(store);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it("opens a room for a valid invite", async () => {
    const room = await store.rooms.create({ name: "Path", owner: "ada" });
    expect((await upgradeStatus(server.port, `/rooms/${room.id}?token=${encodeURIComponent(tokenFor(room.id))}`)).status).toBe(101);
  });

  it("refuses a well-formed id without an invite with 401", async () => {
    expect((await upgradeStatus(server.port, "/rooms/team-1")).status).toBe(401);
  });

  it("refuses a malformed room id with 400", async () => {
    expect((await upgradeStatus(server.port, "/rooms/bad%20id!")).status).toBe(400);
    expect((await upgradeStatus(server.port, "/rooms/")).status).toBe(400);
  });

  it("leaves other paths to the next handler", async () => {
    // The test server destroys what the room handler passes on, so the request fails instead of answering.
    await expect(upgradeStatus(server.port, "/_next/webpack-hmr")).rejects.toThrow();
  });
});

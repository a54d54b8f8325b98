import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { createCaller } from "../root";
import { verifyInvite } from "../rooms/inviteToken";
import { TEST_SECRET } from "../rooms/testing";
import { createContext } from "../trpc";

describe("the rooms router", () => {
  let store: MasterStore;
  let api: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    api = createCaller(createContext(store, {}, TEST_SECRET));
  });
  afterAll(() => store.close());

  it("creates, gets and lists rooms as room beings", async () => {
    const room = await api.rooms.create({ name: "Design team", owner: "ada" });
    expect(room).toMatchObject({ name: "Design team", owner: "ada" });
    expect(await api.rooms.get({ room: room.id })).toEqual(room);
    expect((await api.rooms.list()).items.map((r) => r.id)).toContain(room.id);
    const being = await api.beings.get({ soul: room.id });
    expect(being).toMatchObject({ tags: ["room"], genesis: { name: "Design team", type: "room", owner: "ada" } });
  });

  it("signs invites that open exactly that room with that role", async () => {
    const room = await api.rooms.create({ name: "R", owner: "ada" });
    const invite = await api.rooms.invite({ room: room.id, role: "viewer", expires_in_s: 3600 });
    expect(invite.link).toBe(`/rooms/${room.id}?token=${encodeURIComponent(invite.token)}`);
    expect(Date.parse(invite.expires_at)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(verifyInvite(TEST_SECRET, invite.token, room.id)).toMatchObject({ ok: true, invite: { role: "viewer", room: room.id } });
  });

  it("refuses unknown rooms, bad roles and missing secrets readably", async () => {
    await expect(api.rooms.get({ room: "99999999-9999-4999-8999-999999999999" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.rooms.invite({ room: "99999999-9999-4999-8999-999999999999", role: "editor" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const room = await api.rooms.create({ name: "R", owner: "ada" });
    await expect(api.rooms.invite({ room: room.id, role: "admin" as "editor" })).rejects.toBeInstanceOf(TRPCError);
    await expect(api.rooms.create({ name: " ", owner: "ada" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const noSecret = createCaller(createContext(store));
    await expect(noSecret.rooms.invite({ room: room.id, role: "editor" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("deletes a room's update log with the room being", async () => {
    const room = await api.rooms.create({ name: "Gone", owner: "ada" });
    await store.rooms.appendUpdate(room.id, new Uint8Array([0, 0]));
    await api.beings.delete({ soul: room.id });
    expect((await store.rooms.loadUpdates(room.id)).updates).toHaveLength(0);
  });
});

import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { createCaller } from "../root";
import * as Y from "yjs";
import { createRoomDoc } from "../../lib/rooms";
import { createRoomServer, type RoomServer } from "../rooms/createRoomServer";
import { signInvite, verifyInvite } from "../rooms/inviteToken";
import { TEST_SECRET } from "../rooms/testing";
import { createContext } from "../trpc";

describe("the rooms router", () => {
  let store: MasterStore;
  let api: ReturnType<typeof createCaller>;
  let rooms: RoomServer;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    rooms = createRoomServer({ rooms: store.rooms, secret: TEST_SECRET, evictAfterMs: 10 });
    api = createCaller(createContext(store, { roomSecret: TEST_SECRET, roomServer: rooms }));
  });
  afterAll(async () => {
    await rooms.close();
    await store.close();
  });

  it("gives the creator an editor invite to the new room", async () => {
    const room = await api.rooms.create({ name: "Mine", owner: "ada" });
    expect(room.invite).toMatchObject({ room: room.id, role: "editor", link: `/rooms/${room.id}?token=${encodeURIComponent(room.invite.token)}` });
    expect(verifyInvite(TEST_SECRET, room.invite.token, room.id)).toMatchObject({ ok: true, invite: { role: "editor" } });
  });

  it("checks a token without connecting: role when good, the reason when not", async () => {
    const room = await api.rooms.create({ name: "Check", owner: "ada" });
    const other = await api.rooms.create({ name: "Other", owner: "ada" });
    const viewer = await api.rooms.invite({ room: room.id, role: "viewer" });
    expect(await api.rooms.checkInvite({ room: room.id, token: viewer.token })).toMatchObject({ ok: true, role: "viewer" });
    expect(await api.rooms.checkInvite({ room: other.id, token: viewer.token })).toMatchObject({ ok: false, reason: "other-room" });
    expect(await api.rooms.checkInvite({ room: room.id, token: `${viewer.token}x` })).toMatchObject({ ok: false, reason: "invalid" });
    const expired = signInvite(TEST_SECRET, room.id, "editor", 60, Date.now() - 120_000).token;
    expect(await api.rooms.checkInvite({ room: room.id, token: expired })).toMatchObject({ ok: false, reason: "expired" });
  });

  it("posts the master's mission into the room document and stores it", async () => {
    const room = await api.rooms.create({ name: "Missions", owner: "ada" });
    const posted = await api.rooms.postMission({ room: room.id, title: "Map the garden", brief: "- north bed\n- south bed" });
    expect(posted).toMatchObject({ room: room.id, title: "Map the garden", posted_by: "master" });
    const doc = new Y.Doc();
    for (const update of (await store.rooms.loadUpdates(room.id)).updates) Y.applyUpdate(doc, update);
    const missions = createRoomDoc(doc).missions();
    expect([...missions.keys()]).toEqual([posted.mission]);
    expect(missions.get(posted.mission)).toMatchObject({ title: "Map the garden", brief: "- north bed\n- south bed" });
    await expect(api.rooms.postMission({ room: "99999999-9999-4999-8999-999999999999", title: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.rooms.postMission({ room: room.id, title: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const noRooms = createCaller(createContext(store, { roomSecret: TEST_SECRET }));
    await expect(noRooms.rooms.postMission({ room: room.id, title: "x" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("creates, gets and lists rooms as room beings", async () => {
    const room = await api.rooms.create({ name: "Design team", owner: "ada" });
    expect(room).toMatchObject({ name: "Design team", owner: "ada" });
    const { invite: _invite, ...info } = room;
    expect(await api.rooms.get({ room: room.id })).toEqual(info);
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
    await expect(noSecret.rooms.create({ name: "R", owner: "ada" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("deletes a room's update log with the room being", async () => {
    const room = await api.rooms.create({ name: "Gone", owner: "ada" });
    await store.rooms.appendUpdate(room.id, new Uint8Array([0, 0]));
    await api.beings.delete({ soul: room.id });
    expect((await store.rooms.loadUpdates(room.id)).updates).toHaveLength(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";

describe.each(testBackends())("identity store on $name", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => backend.dispose(store));

  it("makes people person beings with a colour, and one server owner at most", async () => {
    const owner = await store.identity.createPerson({ name: "Olive", serverOwner: true });
    expect(owner).toMatchObject({ name: "Olive", server_owner: true, colour: expect.stringMatching(/^#[0-9a-f]{6}$/) });
    expect((await store.beings.get(owner.soul)).tags).toEqual(["person"]);
    expect((await store.identity.serverOwner())?.soul).toBe(owner.soul);
    await expect(store.identity.createPerson({ name: "Usurper", serverOwner: true })).rejects.toThrow();
  });

  it("opens a session only for its token, and never after revocation or expiry", async () => {
    const p = await store.identity.createPerson({ name: "Sam", serverOwner: false });
    const live = await store.identity.createSession(p.soul, 60_000);
    expect((await store.identity.sessionPerson(live.token, 0))?.soul).toBe(p.soul);
    expect(await store.identity.sessionPerson(`${live.token}x`, 0)).toBeNull();
    const stored = await store.sql.query<{ token_hash: string }>("SELECT token_hash FROM sessions WHERE person_soul = $1", [p.soul]);
    expect(stored.map((r) => r.token_hash)).not.toContain(live.token);
    await store.identity.revokeSession(live.token);
    expect(await store.identity.sessionPerson(live.token, 0)).toBeNull();
    const expired = await store.identity.createSession(p.soul, -1_000);
    expect(await store.identity.sessionPerson(expired.token, 0)).toBeNull();
  });

  it("keeps a person's last passkey", async () => {
    const p = await store.identity.createPerson({ name: "Kim", serverOwner: false });
    const key = (id: string) => ({ id, person_soul: p.soul, public_key: new Uint8Array([1, 2, 3]), counter: 0, transports: ["internal"], label: id });
    await store.identity.addPasskey(key("k1"));
    await store.identity.addPasskey(key("k2"));
    expect((await store.identity.getPasskey("k1"))?.public_key).toEqual(new Uint8Array([1, 2, 3]));
    await store.identity.revokePasskey(p.soul, "k1");
    await expect(store.identity.revokePasskey(p.soul, "k2")).rejects.toThrow(/only passkey/);
    expect((await store.identity.passkeys(p.soul)).map((k) => k.id)).toEqual(["k2"]);
  });

  it("accepts an invite once, keeping a stronger role the person holds", async () => {
    const owner = await store.identity.createPerson({ name: "Room owner", serverOwner: false });
    const guest = await store.identity.createPerson({ name: "Guest", serverOwner: false });
    const room = await store.rooms.create({ name: "R", owner: "Room owner" });
    await store.identity.setRole(room.id, owner.soul, "owner");
    const expiresAt = new Date(Date.now() + 60_000);
    await store.identity.recordInvite({ token: "t-viewer", room: room.id, role: "viewer", createdBy: owner.soul, expiresAt });
    expect(await store.identity.pendingInvites(room.id)).toHaveLength(1);
    expect(await store.identity.acceptInvite("t-viewer", guest.soul)).toEqual({ room: room.id, role: "viewer" });
    expect(await store.identity.acceptInvite("t-viewer", guest.soul)).toBeNull();
    expect(await store.identity.pendingInvites(room.id)).toHaveLength(0);
    await store.identity.recordInvite({ token: "t-again", room: room.id, role: "viewer", createdBy: owner.soul, expiresAt });
    expect(await store.identity.acceptInvite("t-again", owner.soul)).toEqual({ room: room.id, role: "owner" });
    expect((await store.identity.members(room.id)).map((m) => [m.name, m.role])).toEqual([
      ["Room owner", "owner"],
      ["Guest", "viewer"],
    ]);
  });

  it("forgets a deleted person's sessions, passkeys and memberships", async () => {
    const p = await store.identity.createPerson({ name: "Gone", serverOwner: false });
    const { token } = await store.identity.createSession(p.soul, 60_000);
    await store.beings.delete(p.soul);
    expect(await store.identity.sessionPerson(token, 0)).toBeNull();
  });
});

import "../serverOnly";
import { createHash, randomBytes } from "node:crypto";
import type { RoomRole } from "../../lib/auth/access";
import type { BeingHolder } from "../../lib/auth/policy";
import type { SqlDriver, SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import { ISO } from "./sql";

/** The tag every person being carries. */
export const PERSON_TAG = "person";

/** Avatar colours a new person is given (by their soul) until they pick one. */
export const AVATAR_COLOURS = ["#0ea5e9", "#8b5cf6", "#f97316", "#10b981", "#e11d48", "#eab308", "#14b8a6", "#6366f1"] as const;

export interface Person {
  soul: string;
  name: string;
  colour: string;
  server_owner: boolean;
  created_at: string;
}

export interface Passkey {
  id: string;
  person_soul: string;
  public_key: Uint8Array;
  counter: number;
  transports: string[];
  label: string;
  created_at: string;
  last_used_at: string | null;
}

export interface RoomMember {
  person: string;
  name: string;
  colour: string;
  role: RoomRole;
  added_at: string;
}

export interface PendingInvite {
  id: string;
  role: "viewer" | "editor";
  created_at: string;
  expires_at: string;
  created_by: string | null;
}

/** SHA-256 in hex: how session tokens and invite tokens are stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const PERSON_COLUMNS = `b.soul::text AS soul, b.genesis ->> 'name' AS name, coalesce(b.genesis ->> 'colour', '') AS colour, p.server_owner,
  to_char(p.created_at, ${ISO}) AS created_at`;

function colourFor(soul: string): string {
  return AVATAR_COLOURS[Number.parseInt(soul.slice(0, 2), 16) % AVATAR_COLOURS.length]!;
}

function withColour(p: Person): Person {
  return { ...p, colour: p.colour || colourFor(p.soul) };
}

/** People, their passkeys and sessions, room memberships and invites, and whom each being belongs to. */
export interface IdentityRepo {
  /** A new person being; `userHandle` is their WebAuthn user handle (random when not given). */
  createPerson(input: { name: string; colour?: string; serverOwner: boolean; userHandle?: string }): Promise<Person>;
  getPerson(soul: string): Promise<Person | null>;
  serverOwner(): Promise<Person | null>;
  /** Whether any person can sign in (holds a passkey). */
  anyPasskey(): Promise<boolean>;
  updatePerson(soul: string, patch: { name?: string; colour?: string }): Promise<Person>;
  userHandle(soul: string): Promise<string>;

  addPasskey(input: Omit<Passkey, "created_at" | "last_used_at">): Promise<void>;
  getPasskey(id: string): Promise<Passkey | null>;
  passkeys(person: string): Promise<Passkey[]>;
  /** Refuses to remove a person's last passkey (they could never sign in again). */
  revokePasskey(person: string, id: string): Promise<void>;
  touchPasskey(id: string, counter: number): Promise<void>;

  /** A new session for `person`; answers the token (only its hash is stored). */
  createSession(person: string, ttlMs: number): Promise<{ token: string; expiresAt: Date }>;
  /** The person behind a live session token, or null (unknown, revoked or expired). */
  sessionPerson(token: string, touchAfterMs: number): Promise<Person | null>;
  revokeSession(token: string): Promise<void>;
  revokeSessions(person: string): Promise<void>;

  roleIn(room: string, person: string): Promise<RoomRole | null>;
  roomsOf(person: string): Promise<Map<string, RoomRole>>;
  members(room: string): Promise<RoomMember[]>;
  setRole(room: string, person: string, role: RoomRole): Promise<void>;
  removeMember(room: string, person: string): Promise<void>;

  recordInvite(input: { token: string; room: string; role: "viewer" | "editor"; createdBy: string | null; expiresAt: Date }): Promise<void>;
  pendingInvites(room: string): Promise<PendingInvite[]>;
  revokeInvite(room: string, id: string): Promise<void>;
  /** Marks a pending invite accepted by `person` and makes them a member (keeping a stronger role they hold); null when it is not pending. */
  acceptInvite(token: string, person: string): Promise<{ room: string; role: RoomRole } | null>;
  invitePending(token: string): Promise<boolean>;

  holders(souls: readonly string[]): Promise<Map<string, BeingHolder>>;
  setHolder(souls: readonly string[], holder: BeingHolder): Promise<void>;
}

export function createIdentityRepo(driver: SqlDriver): IdentityRepo {
  const bytes = (value: unknown) => new Uint8Array(value as Uint8Array);
  const getPerson = async (q: SqlExecutor, soul: string) => {
    const [row] = await q.query<Person>(`SELECT ${PERSON_COLUMNS} FROM people p JOIN base_beings b ON b.soul = p.soul WHERE p.soul = $1`, [soul]);
    return row ? withColour(row) : null;
  };
  const setRole = (q: SqlExecutor, room: string, person: string, role: RoomRole) =>
    q.query(
      `INSERT INTO room_members (room_soul, person_soul, role) VALUES ($1, $2, $3)
       ON CONFLICT (room_soul, person_soul) DO UPDATE SET role = excluded.role`,
      [room, person, role],
    );

  return {
    async createPerson({ name, colour, serverOwner, userHandle }) {
      const soul = crypto.randomUUID();
      return driver.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness)
           VALUES ($1, ARRAY['${PERSON_TAG}']::text[], 0, $2::jsonb, '{}', '{}', '{}')`,
          [soul, JSON.stringify({ name, type: PERSON_TAG, colour: colour ?? colourFor(soul) })],
        );
        await tx.query("INSERT INTO people (soul, user_handle, server_owner) VALUES ($1, $2, $3)", [
          soul,
          userHandle ?? randomBytes(32).toString("base64url"),
          serverOwner,
        ]);
        await tx.query("INSERT INTO being_holders (soul, person_soul) VALUES ($1, $1)", [soul]);
        return (await getPerson(tx, soul))!;
      });
    },
    getPerson: (soul) => getPerson(driver, soul),
    async serverOwner() {
      const [row] = await driver.query<Person>(`SELECT ${PERSON_COLUMNS} FROM people p JOIN base_beings b ON b.soul = p.soul WHERE p.server_owner`);
      return row ? withColour(row) : null;
    },
    async anyPasskey() {
      const rows = await driver.query("SELECT 1 FROM passkeys LIMIT 1");
      return rows.length > 0;
    },
    async updatePerson(soul, patch) {
      const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      await driver.query("UPDATE base_beings SET genesis = genesis || $2::jsonb, updated_at = CURRENT_TIMESTAMP WHERE soul = $1", [
        soul,
        JSON.stringify(changes),
      ]);
      const person = await getPerson(driver, soul);
      if (!person) throw new StoreError("NOT_FOUND", `Person ${soul} does not exist.`);
      return person;
    },
    async userHandle(soul) {
      const [row] = await driver.query<{ user_handle: string }>("SELECT user_handle FROM people WHERE soul = $1", [soul]);
      if (!row) throw new StoreError("NOT_FOUND", `Person ${soul} does not exist.`);
      return row.user_handle;
    },

    async addPasskey(p) {
      await driver.query("INSERT INTO passkeys (id, person_soul, public_key, counter, transports, label) VALUES ($1, $2, $3, $4, $5, $6)", [
        p.id,
        p.person_soul,
        p.public_key,
        p.counter,
        p.transports,
        p.label,
      ]);
    },
    async getPasskey(id) {
      const [row] = await driver.query<Passkey>(
        `SELECT id, person_soul::text AS person_soul, public_key, counter::float8 AS counter, transports, label,
           to_char(created_at, ${ISO}) AS created_at, to_char(last_used_at, ${ISO}) AS last_used_at FROM passkeys WHERE id = $1`,
        [id],
      );
      return row ? { ...row, public_key: bytes(row.public_key) } : null;
    },
    async passkeys(person) {
      const rows = await driver.query<Passkey>(
        `SELECT id, person_soul::text AS person_soul, public_key, counter::float8 AS counter, transports, label,
           to_char(created_at, ${ISO}) AS created_at, to_char(last_used_at, ${ISO}) AS last_used_at
         FROM passkeys WHERE person_soul = $1 ORDER BY created_at, id`,
        [person],
      );
      return rows.map((r) => ({ ...r, public_key: bytes(r.public_key) }));
    },
    async revokePasskey(person, id) {
      await driver.transaction(async (tx) => {
        const rows = await tx.query<{ id: string }>("SELECT id FROM passkeys WHERE person_soul = $1 FOR UPDATE", [person]);
        if (!rows.some((r) => r.id === id)) throw new StoreError("NOT_FOUND", "You hold no passkey with that id: reload your passkeys.");
        if (rows.length === 1) throw new StoreError("CONFLICT", "This is your only passkey: add another one first, or you could never sign in again.");
        await tx.query("DELETE FROM passkeys WHERE id = $1 AND person_soul = $2", [id, person]);
      });
    },
    async touchPasskey(id, counter) {
      await driver.query("UPDATE passkeys SET counter = $2, last_used_at = CURRENT_TIMESTAMP WHERE id = $1", [id, counter]);
    },

    async createSession(person, ttlMs) {
      const token = randomBytes(32).toString("base64url");
      const expiresAt = new Date(Date.now() + ttlMs);
      await driver.query("INSERT INTO sessions (token_hash, person_soul, expires_at) VALUES ($1, $2, $3)", [hashToken(token), person, expiresAt.toISOString()]);
      return { token, expiresAt };
    },
    async sessionPerson(token, touchAfterMs) {
      const [row] = await driver.query<{ person: string; stale: boolean }>(
        `SELECT person_soul::text AS person, last_seen_at < CURRENT_TIMESTAMP - ($2::float8 * interval '1 millisecond') AS stale
         FROM sessions WHERE token_hash = $1 AND expires_at > CURRENT_TIMESTAMP`,
        [hashToken(token), touchAfterMs],
      );
      if (!row) return null;
      if (row.stale) await driver.query("UPDATE sessions SET last_seen_at = CURRENT_TIMESTAMP WHERE token_hash = $1", [hashToken(token)]);
      return getPerson(driver, row.person);
    },
    async revokeSession(token) {
      await driver.query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= CURRENT_TIMESTAMP", [hashToken(token)]);
    },
    async revokeSessions(person) {
      await driver.query("DELETE FROM sessions WHERE person_soul = $1", [person]);
    },

    async roleIn(room, person) {
      const [row] = await driver.query<{ role: RoomRole }>("SELECT role FROM room_members WHERE room_soul = $1 AND person_soul = $2", [room, person]);
      return row?.role ?? null;
    },
    async roomsOf(person) {
      const rows = await driver.query<{ room: string; role: RoomRole }>("SELECT room_soul::text AS room, role FROM room_members WHERE person_soul = $1", [
        person,
      ]);
      return new Map(rows.map((r) => [r.room, r.role]));
    },
    async members(room) {
      const rows = await driver.query<RoomMember>(
        `SELECT m.person_soul::text AS person, b.genesis ->> 'name' AS name, coalesce(b.genesis ->> 'colour', '') AS colour, m.role,
           to_char(m.added_at, ${ISO}) AS added_at
         FROM room_members m JOIN base_beings b ON b.soul = m.person_soul WHERE m.room_soul = $1
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END, m.added_at`,
        [room],
      );
      return rows.map((r) => ({ ...r, colour: r.colour || colourFor(r.person) }));
    },
    async setRole(room, person, role) {
      await setRole(driver, room, person, role);
    },
    async removeMember(room, person) {
      await driver.query("DELETE FROM room_members WHERE room_soul = $1 AND person_soul = $2", [room, person]);
    },

    async recordInvite({ token, room, role, createdBy, expiresAt }) {
      await driver.query("INSERT INTO room_invites (token_hash, room_soul, role, created_by, expires_at) VALUES ($1, $2, $3, $4, $5)", [
        hashToken(token),
        room,
        role,
        createdBy,
        expiresAt.toISOString(),
      ]);
    },
    pendingInvites: (room) =>
      driver.query<PendingInvite>(
        `SELECT left(token_hash, 16) AS id, role, to_char(created_at, ${ISO}) AS created_at, to_char(expires_at, ${ISO}) AS expires_at,
           created_by::text AS created_by
         FROM room_invites WHERE room_soul = $1 AND accepted_by IS NULL AND revoked_at IS NULL AND expires_at > CURRENT_TIMESTAMP
         ORDER BY created_at DESC`,
        [room],
      ),
    async revokeInvite(room, id) {
      const rows = await driver.query(
        "UPDATE room_invites SET revoked_at = CURRENT_TIMESTAMP WHERE room_soul = $1 AND left(token_hash, 16) = $2 AND accepted_by IS NULL AND revoked_at IS NULL RETURNING 1",
        [room, id],
      );
      if (rows.length === 0) throw new StoreError("NOT_FOUND", "No pending invite with that id in this room: it was accepted, revoked or has expired.");
    },
    async acceptInvite(token, person) {
      return driver.transaction(async (tx) => {
        const [row] = await tx.query<{ room: string; role: "viewer" | "editor" }>(
          `UPDATE room_invites SET accepted_by = $2, accepted_at = CURRENT_TIMESTAMP
           WHERE token_hash = $1 AND accepted_by IS NULL AND revoked_at IS NULL AND expires_at > CURRENT_TIMESTAMP
           RETURNING room_soul::text AS room, role`,
          [hashToken(token), person],
        );
        if (!row) return null;
        const [held] = await tx.query<{ role: RoomRole }>("SELECT role FROM room_members WHERE room_soul = $1 AND person_soul = $2", [row.room, person]);
        const role: RoomRole = held && (held.role === "owner" || (held.role === "editor" && row.role === "viewer")) ? held.role : row.role;
        await setRole(tx, row.room, person, role);
        return { room: row.room, role };
      });
    },
    async invitePending(token) {
      const rows = await driver.query(
        "SELECT 1 FROM room_invites WHERE token_hash = $1 AND accepted_by IS NULL AND revoked_at IS NULL AND expires_at > CURRENT_TIMESTAMP",
        [hashToken(token)],
      );
      return rows.length > 0;
    },

    async holders(souls) {
      if (souls.length === 0) return new Map();
      const rows = await driver.query<{ soul: string; person: string | null; room: string | null }>(
        "SELECT soul::text AS soul, person_soul::text AS person, room_soul::text AS room FROM being_holders WHERE soul = ANY($1::uuid[])",
        [[...new Set(souls)]],
      );
      return new Map(rows.map((r) => [r.soul, { person: r.person, room: r.room }]));
    },
    async setHolder(souls, holder) {
      if (souls.length === 0) return;
      await driver.query(
        `INSERT INTO being_holders (soul, person_soul, room_soul) SELECT s, $2, $3 FROM unnest($1::uuid[]) AS s
         ON CONFLICT (soul) DO UPDATE SET person_soul = excluded.person_soul, room_soul = excluded.room_soul`,
        [[...new Set(souls)], holder.person, holder.room],
      );
    },
  };
}

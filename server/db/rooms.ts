import "../serverOnly";
import type { SqlDriver } from "./driver";
import { StoreError } from "./errors";
import { ISO } from "./sql";

/** The tag every room being carries. */
export const ROOM_TAG = "room";

/** A shared room as the API shows it: a being in base_beings with tag `room`. */
export interface RoomInfo {
  /** The room's soul; also its id in `/rooms/<id>`. */
  id: string;
  name: string;
  owner: string;
  created_at: string;
}

interface RoomRow {
  id: string;
  name: string;
  owner: string;
  created_at: string;
}

const ROOM_COLUMNS = `soul::text AS id, genesis ->> 'name' AS name, genesis ->> 'owner' AS owner, to_char(created_at, ${ISO}) AS created_at`;
const IS_ROOM = `tags @> ARRAY['${ROOM_TAG}']::text[] AND genesis ->> 'type' = 'room'`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Room beings and the append-only log of their Yjs documents (`room_updates`). */
export interface RoomsRepo {
  create(input: { name: string; owner: string }): Promise<RoomInfo>;
  /** Throws NOT_FOUND when there is no such room. */
  get(id: string): Promise<RoomInfo>;
  /** Newest first. */
  list(limit?: number): Promise<RoomInfo[]>;
  /** Appends one Yjs update; returns its sequence number. */
  appendUpdate(id: string, update: Uint8Array): Promise<number>;
  /** Every stored update in order, with the last sequence number (0 when none). */
  loadUpdates(id: string): Promise<{ updates: Uint8Array[]; lastSeq: number }>;
  /** Replaces the rows up to `upToSeq` with one snapshot update, atomically. */
  compact(id: string, snapshot: Uint8Array, upToSeq: number): Promise<void>;
}

function notFound(id: string): StoreError {
  return new StoreError("NOT_FOUND", `Room ${id} does not exist (it may have been deleted): create one with rooms.create.`);
}

export function createRoomsRepo(driver: SqlDriver): RoomsRepo {
  // NOTE: node-postgres answers bytea with Buffer, PGlite with Uint8Array; both are Uint8Arrays.
  const bytes = (value: unknown) => new Uint8Array(value as Uint8Array);
  return {
    async create({ name, owner }) {
      const [row] = await driver.query<RoomRow>(
        `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness)
         VALUES ($1, ARRAY['${ROOM_TAG}']::text[], 0, $2::jsonb, '{}', '{}', '{}')
         RETURNING ${ROOM_COLUMNS}`,
        [crypto.randomUUID(), JSON.stringify({ name, type: "room", owner })],
      );
      return row!;
    },

    async get(id) {
      if (!UUID.test(id)) throw notFound(id);
      const [row] = await driver.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM base_beings WHERE soul = $1 AND ${IS_ROOM}`, [id]);
      if (!row) throw notFound(id);
      return row;
    },

    list: (limit = 200) =>
      driver.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM base_beings WHERE ${IS_ROOM} ORDER BY created_at DESC, soul DESC LIMIT $1`, [limit]),

    async appendUpdate(id, update) {
      const [row] = await driver.query<{ seq: number }>("INSERT INTO room_updates (room_soul, update) VALUES ($1, $2) RETURNING seq::float8 AS seq", [
        id,
        update,
      ]);
      return row!.seq;
    },

    async loadUpdates(id) {
      const rows = await driver.query<{ seq: number; update: unknown }>(
        "SELECT seq::float8 AS seq, update FROM room_updates WHERE room_soul = $1 ORDER BY seq",
        [id],
      );
      return { updates: rows.map((r) => bytes(r.update)), lastSeq: rows.at(-1)?.seq ?? 0 };
    },

    async compact(id, snapshot, upToSeq) {
      await driver.transaction(async (tx) => {
        // NOTE: the snapshot repeats what room_history holds already; this keeps it out of the history (0008_timeline.sql).
        await tx.query("SELECT set_config('luxos.room_compacting', 'on', true)");
        await tx.query("DELETE FROM room_updates WHERE room_soul = $1 AND seq <= $2", [id, upToSeq]);
        await tx.query("INSERT INTO room_updates (room_soul, update) VALUES ($1, $2)", [id, snapshot]);
      });
    },
  };
}

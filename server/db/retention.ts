import "../serverOnly";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as Y from "yjs";
import { toCloudEvent } from "../../lib/events/cloudEvents";
import type { EventEnvelope } from "../../lib/events/eventEnvelope";
import { RETENTION_EVERY_MS } from "../../lib/timeline/constants";
import type { SqlDriver } from "./driver";

export interface RetentionPolicy {
  readonly room: string;
  readonly room_name: string | null;
  readonly hot_days: number;
  readonly updated_at: string;
  readonly last_run_at: string | null;
}

export interface ArchiveRecord {
  readonly id: number;
  readonly room: string;
  /** Relative to LUXOS_DATA_DIR. */
  readonly file: string;
  readonly events: number;
  readonly room_updates: number;
  readonly first_time: string | null;
  readonly last_time: string | null;
  readonly cutoff: string;
  readonly created_at: string;
}

export interface RetentionRun {
  readonly room: string;
  readonly cutoff: string;
  readonly archive: ArchiveRecord | null;
}

/** Per-room retention: keep N days hot, archive and compact the rest (issue 9). */
export interface Retention {
  set(room: string, hotDays: number | null): Promise<RetentionPolicy | null>;
  list(): Promise<RetentionPolicy[]>;
  archives(room: string, limit?: number): Promise<ArchiveRecord[]>;
  /**
   * Archives the room's events and history older than its policy's hot days into
   * `<dataDir>/archive/rooms/<room>/<cutoff>.ndjson.gz` (CloudEvents NDJSON), compacts the history into one
   * snapshot, and drops what was archived from the hot tables. Rooms without a policy are left alone.
   */
  run(room: string, dataDir: string, now?: Date): Promise<RetentionRun | null>;
  /** Runs every policy not run within RETENTION_EVERY_MS. */
  runDue(dataDir: string, now?: Date): Promise<RetentionRun[]>;
}

const ISO_TZ = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const at = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', ${ISO_TZ})`;
const bytes = (value: unknown) => new Uint8Array(value as Uint8Array);
/** The type of a room update inside an archive: history that left the hot tables, as a CloudEvent like the rest. */
export const ARCHIVED_ROOM_UPDATE_TYPE = "room.history_update";

export function createRetention(driver: SqlDriver): Retention {
  const policy = async (room: string) =>
    (
      await driver.query<RetentionPolicy>(
        `SELECT r.room::text AS room, b.genesis ->> 'name' AS room_name, r.hot_days, ${at("r.updated_at")} AS updated_at, ${at("r.last_run_at")} AS last_run_at
         FROM room_retention r LEFT JOIN base_beings b ON b.soul = r.room WHERE r.room = $1 LIMIT 1`,
        [room],
      )
    )[0] ?? null;

  const retention: Retention = {
    async set(room, hotDays) {
      if (hotDays === null) {
        await driver.query("DELETE FROM room_retention WHERE room = $1", [room]);
        return null;
      }
      await driver.query(
        `INSERT INTO room_retention (room, hot_days) VALUES ($1, $2)
         ON CONFLICT (room) DO UPDATE SET hot_days = excluded.hot_days, updated_at = now()`,
        [room, hotDays],
      );
      return policy(room);
    },

    list: () =>
      driver.query<RetentionPolicy>(
        `SELECT DISTINCT ON (r.room) r.room::text AS room, b.genesis ->> 'name' AS room_name, r.hot_days, ${at("r.updated_at")} AS updated_at,
           ${at("r.last_run_at")} AS last_run_at
         FROM room_retention r LEFT JOIN base_beings b ON b.soul = r.room ORDER BY r.room`,
      ),

    archives: (room, limit = 50) =>
      driver.query<ArchiveRecord>(
        `SELECT id::float8 AS id, room::text AS room, file, events, room_updates, ${at("first_time")} AS first_time, ${at("last_time")} AS last_time,
           ${at("cutoff")} AS cutoff, ${at("created_at")} AS created_at
         FROM timeline_archives WHERE room = $1 ORDER BY id DESC LIMIT $2`,
        [room, limit],
      ),

    async run(room, dataDir, now = new Date()) {
      const found = await policy(room);
      if (!found) return null;
      const cutoff = new Date(now.getTime() - found.hot_days * 86_400_000).toISOString();
      const events = await driver.query<{ seq: number; event: EventEnvelope }>(
        "SELECT seq::float8 AS seq, envelope AS event FROM events WHERE room = $1 AND time < $2::timestamptz ORDER BY seq",
        [`room:${room}`, cutoff],
      );
      const history = await driver.query<{ seq: number; update: unknown; at: string }>(
        `SELECT seq::float8 AS seq, update, ${at("at")} AS at FROM room_history WHERE room = $1 AND at < $2::timestamptz ORDER BY seq`,
        [room, cutoff],
      );
      if (events.length === 0 && history.length === 0) {
        await driver.query("UPDATE room_retention SET last_run_at = $2::timestamptz WHERE room = $1", [room, now.toISOString()]);
        return { room, cutoff, archive: null };
      }

      const lines: string[] = events.map((e) => JSON.stringify(toCloudEvent(e.event)));
      for (const h of history) {
        lines.push(
          JSON.stringify({
            specversion: "1.0",
            id: `room-${room}-${h.seq}`,
            type: ARCHIVED_ROOM_UPDATE_TYPE,
            source: `room:${room}`,
            time: h.at,
            datacontenttype: "application/json",
            data: { seq: h.seq, update_base64: Buffer.from(bytes(h.update)).toString("base64") },
          }),
        );
      }
      const relative = path.join("archive", "rooms", room, `${cutoff.replace(/[:.]/g, "-")}.ndjson.gz`);
      await mkdir(path.dirname(path.join(dataDir, relative)), { recursive: true });
      // NOTE: the file is written before anything is dropped; a crash between the two leaves a spare archive, never a loss.
      await writeFile(path.join(dataDir, relative), gzipSync(`${lines.join("\n")}\n`));

      const times = [...events.map((e) => e.event.time), ...history.map((h) => h.at)].sort();
      const archive = await driver.transaction(async (tx) => {
        if (history.length > 0) {
          const lastSeq = history.at(-1)!.seq;
          const [snap] = await tx.query<{ doc: unknown; upto_seq: number }>(
            "SELECT doc, upto_seq::float8 AS upto_seq FROM timeline_snapshots WHERE kind = 'room' AND key = $1 AND upto_seq <= $2 ORDER BY upto_seq DESC LIMIT 1",
            [room, lastSeq],
          );
          const doc = new Y.Doc();
          if (snap) Y.applyUpdate(doc, bytes(snap.doc));
          for (const h of history) {
            if (snap && h.seq <= snap.upto_seq) continue;
            try {
              Y.applyUpdate(doc, bytes(h.update));
            } catch {
              // NOTE: refused by the live room as well; the archive keeps it as it came.
            }
          }
          await tx.query("DELETE FROM timeline_snapshots WHERE kind = 'room' AND key = $1 AND upto_seq <= $2", [room, lastSeq]);
          await tx.query(`INSERT INTO timeline_snapshots (kind, key, upto_seq, at, doc, reason) VALUES ('room', $1, $2, $3::timestamptz, $4, 'retention')`, [
            room,
            lastSeq,
            history.at(-1)!.at,
            Y.encodeStateAsUpdate(doc),
          ]);
          doc.destroy();
          await tx.query("DELETE FROM room_history WHERE room = $1 AND seq <= $2", [room, lastSeq]);
        }
        if (events.length > 0) await tx.query("DELETE FROM events WHERE seq = ANY($1::bigint[])", [events.map((e) => e.seq)]);
        await tx.query("UPDATE room_retention SET last_run_at = $2::timestamptz WHERE room = $1", [room, now.toISOString()]);
        const [row] = await tx.query<ArchiveRecord>(
          `INSERT INTO timeline_archives (room, file, events, room_updates, first_time, last_time, cutoff)
           VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::timestamptz)
           RETURNING id::float8 AS id, room::text AS room, file, events, room_updates, ${at("first_time")} AS first_time, ${at("last_time")} AS last_time,
             ${at("cutoff")} AS cutoff, ${at("created_at")} AS created_at`,
          [room, relative, events.length, history.length, times[0] ?? null, times.at(-1) ?? null, cutoff],
        );
        return row!;
      });
      return { room, cutoff, archive };
    },

    async runDue(dataDir, now = new Date()) {
      const due = await driver.query<{ room: string }>(
        "SELECT room::text AS room FROM room_retention WHERE last_run_at IS NULL OR last_run_at < $1::timestamptz ORDER BY room",
        [new Date(now.getTime() - RETENTION_EVERY_MS).toISOString()],
      );
      const runs: RetentionRun[] = [];
      for (const { room } of due) {
        // NOTE: a conditional update claims the room, so of several servers sharing one PostgreSQL only one archives it.
        const claimed = await driver.query(
          "UPDATE room_retention SET last_run_at = $2::timestamptz WHERE room = $1 AND (last_run_at IS NULL OR last_run_at < $3::timestamptz) RETURNING room",
          [room, now.toISOString(), new Date(now.getTime() - RETENTION_EVERY_MS).toISOString()],
        );
        if (claimed.length === 0) continue;
        const run = await retention.run(room, dataDir, now);
        if (run) runs.push(run);
      }
      return runs;
    },
  };
  return retention;
}

import "../serverOnly";
import * as Y from "yjs";
import { diffMergePatch, holdsNull } from "../../lib/diffMergePatch";
import type { JsonObject } from "../../lib/jsonMergePatch";
import { roomTypesOf } from "../../lib/rooms/roomReader";
import type { Being } from "../../lib/schemas";
import { CHECKPOINT_SETTLE_MS, SNAPSHOT_EVERY } from "../../lib/timeline/constants";
import type { Moment } from "../../lib/timeline/contract";
import { applyJournal, imageToBeing, type BeingState, type JournalEntry } from "../../lib/timeline/replayBeing";
import type { BeingsRepo } from "./beings";
import type { SqlDriver } from "./driver";
import { StoreError } from "./errors";
import type { RoomsRepo } from "./rooms";

/** One version of a being in its journal, as the scrubber lists it. */
export interface BeingVersion {
  readonly seq: number;
  readonly at: string;
  readonly op: "created" | "changed" | "deleted";
  readonly branches: string[];
  /** The columns the change touched (every column for a creation). */
  readonly fields: string[];
  readonly trace: string | null;
}

export interface BeingAt {
  /** The being as it was in the branch, or null when it did not exist there then. */
  readonly being: Being | null;
  /** The journal position the answer stands at (0: before anything was journaled). */
  readonly seq: number;
  readonly at: string | null;
  /** How many journal entries were applied on top of the snapshot. */
  readonly replayed: number;
  readonly snapshot_seq: number;
  /** Every branch the being had a row in at that moment. */
  readonly branches: string[];
}

export interface RoomVersion {
  readonly seq: number;
  readonly at: string;
  readonly bytes: number;
}

/** A room as it was: its shared types as plain JSON. */
export interface RoomView {
  readonly meta: Record<string, unknown>;
  readonly roster: Record<string, unknown>;
  readonly missions: Record<string, unknown>;
  readonly tasks: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly outcomes: Record<string, unknown>;
  readonly messages: unknown[];
  readonly notes: string;
}

export interface RoomAt {
  readonly view: RoomView;
  readonly seq: number;
  readonly at: string | null;
  readonly replayed: number;
  readonly snapshot_seq: number;
  /** The earliest moment history reaches back to: before it, retention compacted the room into one snapshot. */
  readonly history_starts: string | null;
}

/** Time travel over the master's journals: rebuild, list versions, snapshot, restore (issue 9). */
export interface TimeTravel {
  beingHistory(soul: string, page: { before?: number | undefined; limit: number }): Promise<BeingVersion[]>;
  beingAt(soul: string, branch: string, moment: Moment): Promise<BeingAt>;
  /** Makes the being look as it did at `moment` in `branch`, as a new version: the journal keeps every earlier one. */
  restoreBeing(soul: string, branch: string, moment: Moment): Promise<{ being: Being; restored_from: number }>;
  roomHistory(room: string, page: { before?: number | undefined; limit: number }): Promise<RoomVersion[]>;
  roomAt(room: string, moment: Moment): Promise<RoomAt>;
  /** The room's Yjs document at `moment`, as one update. */
  roomDocAt(room: string, moment: Moment): Promise<{ doc: Uint8Array; seq: number }>;
  /** A new room holding the document as it was at `moment`; the original room is untouched. */
  restoreRoom(room: string, moment: Moment, owner: string): Promise<{ room: string; name: string; restored_from: number }>;
  /** Snapshots every being and room that gathered SNAPSHOT_EVERY settled entries since its last snapshot. Returns how many it wrote. */
  checkpoint(now?: Date): Promise<number>;
}

interface JournalRow extends Omit<JournalEntry, "at"> {
  at: string;
}

const ISO_TZ = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const JOURNAL_COLUMNS = `seq::float8 AS seq, soul::text AS soul, op, branches, old_branches, tx::float8 AS tx,
  to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at, trace, change`;

function emptyView(): RoomView {
  return { meta: {}, roster: {}, missions: {}, tasks: {}, claims: {}, outcomes: {}, messages: [], notes: "" };
}

/** The room document as plain JSON (what the scrubber shows and diffs). */
export function roomView(doc: Y.Doc): RoomView {
  const t = roomTypesOf(doc);
  return {
    meta: t.meta.toJSON(),
    roster: t.roster.toJSON(),
    missions: t.missions.toJSON(),
    tasks: t.tasks.toJSON(),
    claims: t.claims.toJSON(),
    outcomes: t.outcomes.toJSON(),
    messages: t.messages.toJSON(),
    notes: t.notes.toJSON(),
  };
}

const bytes = (value: unknown) => new Uint8Array(value as Uint8Array);

export function createTimeTravel(driver: SqlDriver, beings: BeingsRepo, rooms: RoomsRepo): TimeTravel {
  /** The newest snapshot at or before the moment, and the entries after it up to the moment. */
  async function beingReplay(soul: string, moment: Moment) {
    const bound = moment.seq !== undefined ? { col: "upto_seq", value: moment.seq } : moment.at !== undefined ? { col: "at", value: moment.at } : null;
    const [snap] = await driver.query<{ upto_seq: number; state: BeingState }>(
      `SELECT upto_seq::float8 AS upto_seq, state FROM timeline_snapshots WHERE kind = 'being' AND key = $1
       ${bound ? `AND ${bound.col} <= $2` : ""} ORDER BY upto_seq DESC LIMIT 1`,
      bound ? [soul, bound.value] : [soul],
    );
    const from = snap?.upto_seq ?? 0;
    const entryBound = moment.seq !== undefined ? "AND seq <= $3" : moment.at !== undefined ? "AND at <= $3::timestamptz" : "";
    const entries = await driver.query<JournalRow>(
      `SELECT ${JOURNAL_COLUMNS} FROM being_journal WHERE soul = $1 AND seq > $2 ${entryBound} ORDER BY seq`,
      bound ? [soul, from, moment.seq ?? moment.at] : [soul, from],
    );
    return { snapshot: snap ?? null, entries };
  }

  async function beingAt(soul: string, branch: string, moment: Moment): Promise<BeingAt> {
    const { snapshot, entries } = await beingReplay(soul, moment);
    const state = applyJournal(snapshot?.state ?? {}, entries);
    let seq = entries.at(-1)?.seq ?? snapshot?.upto_seq ?? 0;
    let at = entries.at(-1)?.at ?? null;
    if (entries.length === 0 && snapshot) {
      const [row] = await driver.query<{ at: string }>(`SELECT to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at FROM being_journal WHERE seq = $1`, [
        snapshot.upto_seq,
      ]);
      at = row?.at ?? null;
      seq = snapshot.upto_seq;
    }
    const image = state[branch];
    return {
      being: image ? imageToBeing(image) : null,
      seq,
      at,
      replayed: entries.length,
      snapshot_seq: snapshot?.upto_seq ?? 0,
      branches: Object.keys(state).sort(),
    };
  }

  async function roomReplay(room: string, moment: Moment) {
    const bound = moment.seq !== undefined ? { col: "upto_seq", value: moment.seq } : moment.at !== undefined ? { col: "at", value: moment.at } : null;
    const [snap] = await driver.query<{ upto_seq: number; doc: unknown }>(
      `SELECT upto_seq::float8 AS upto_seq, doc FROM timeline_snapshots WHERE kind = 'room' AND key = $1
       ${bound ? `AND ${bound.col} <= $2` : ""} ORDER BY upto_seq DESC LIMIT 1`,
      bound ? [room, bound.value] : [room],
    );
    const from = snap?.upto_seq ?? 0;
    const entryBound = moment.seq !== undefined ? "AND seq <= $3" : moment.at !== undefined ? "AND at <= $3::timestamptz" : "";
    const rows = await driver.query<{ seq: number; update: unknown; at: string }>(
      `SELECT seq::float8 AS seq, update, to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at FROM room_history WHERE room = $1 AND seq > $2 ${entryBound} ORDER BY seq`,
      bound ? [room, from, moment.seq ?? moment.at] : [room, from],
    );
    const doc = new Y.Doc();
    if (snap) Y.applyUpdate(doc, bytes(snap.doc));
    // NOTE: a stored update that Yjs refuses was refused by the live room too; skipping it replays what peers saw.
    doc.transact(() => {
      for (const r of rows) {
        try {
          Y.applyUpdate(doc, bytes(r.update));
        } catch {
          /* see NOTE */
        }
      }
    });
    return { doc, snapshot: snap ?? null, rows };
  }

  async function snapshotBeing(soul: string, settledBefore: Date): Promise<number> {
    const { snapshot, entries } = await beingReplay(soul, {});
    let state: BeingState = snapshot?.state ?? {};
    // Only settled entries, and never half a transaction.
    let limit = entries.findIndex((e) => Date.parse(e.at) >= settledBefore.getTime());
    if (limit < 0) limit = entries.length;
    while (limit > 0 && limit < entries.length && entries[limit]!.tx === entries[limit - 1]!.tx) limit--;
    let written = 0;
    let start = 0;
    while (limit - start >= SNAPSHOT_EVERY) {
      let end = start + SNAPSHOT_EVERY;
      while (end < limit && entries[end]!.tx === entries[end - 1]!.tx) end++;
      state = applyJournal(state, entries.slice(start, end));
      const last = entries[end - 1]!;
      await driver.query(
        `INSERT INTO timeline_snapshots (kind, key, upto_seq, at, state, reason) VALUES ('being', $1, $2, $3::timestamptz, $4::jsonb, 'checkpoint')
         ON CONFLICT DO NOTHING`,
        [soul, last.seq, last.at, JSON.stringify(state)],
      );
      written++;
      start = end;
    }
    return written;
  }

  async function snapshotRoom(room: string, settledBefore: Date): Promise<number> {
    const { doc, rows } = await roomReplay(room, { at: settledBefore.toISOString() });
    if (rows.length < SNAPSHOT_EVERY) return 0;
    const last = rows.at(-1)!;
    await driver.query(
      `INSERT INTO timeline_snapshots (kind, key, upto_seq, at, doc, reason) VALUES ('room', $1, $2, $3::timestamptz, $4, 'checkpoint') ON CONFLICT DO NOTHING`,
      [room, last.seq, last.at, Y.encodeStateAsUpdate(doc)],
    );
    doc.destroy();
    return 1;
  }

  /** Adds the journal entries written since the last count to each being's and room's pending count. */
  async function countPending(): Promise<void> {
    await driver.transaction(async (tx) => {
      for (const [kind, table, key] of [
        ["being", "being_journal", "soul"],
        ["room", "room_history", "room"],
      ] as const) {
        await tx.query("INSERT INTO timeline_watermarks (journal, counted_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING", [kind]);
        const [mark] = await tx.query<{ counted_seq: number }>(
          "SELECT counted_seq::float8 AS counted_seq FROM timeline_watermarks WHERE journal = $1 FOR UPDATE",
          [kind],
        );
        const [top] = await tx.query<{ seq: number | null }>(`SELECT max(seq)::float8 AS seq FROM ${table}`);
        if (!top?.seq || top.seq <= mark!.counted_seq) continue;
        await tx.query(
          `INSERT INTO timeline_pending (kind, key, pending)
           SELECT $1, ${key}, count(*) FROM ${table} WHERE seq > $2 AND seq <= $3 GROUP BY ${key}
           ON CONFLICT (kind, key) DO UPDATE SET pending = timeline_pending.pending + excluded.pending`,
          [kind, mark!.counted_seq, top.seq],
        );
        await tx.query("UPDATE timeline_watermarks SET counted_seq = $2 WHERE journal = $1", [kind, top.seq]);
      }
    });
  }

  return {
    async beingHistory(soul, { before, limit }) {
      const rows = await driver.query<JournalRow>(
        // NOTE: a fact is created under the id of the knowledge.learned event that taught it, so its creation joins that event's trace.
        `SELECT ${JOURNAL_COLUMNS.replace(
          "trace,",
          `coalesce(trace, CASE WHEN op = 'I' THEN (SELECT '00-' || e.traceid || '-' || (e.envelope ->> 'spanid') || '-01'
           FROM events e WHERE e.id = being_journal.soul) END) AS trace,`,
        )}
         FROM being_journal WHERE soul = $1 ${before !== undefined ? "AND seq < $3" : ""} ORDER BY seq DESC LIMIT $2`,
        before !== undefined ? [soul, limit, before] : [soul, limit],
      );
      return rows.map((r) => ({
        seq: r.seq,
        at: r.at,
        op: r.op === "I" ? "created" : r.op === "D" ? "deleted" : "changed",
        branches: [...r.branches],
        fields: r.change ? Object.keys(r.change).filter((k) => r.op === "I" || r.old_branches || k !== "updated_at") : [],
        trace: r.trace,
      }));
    },

    beingAt,

    async restoreBeing(soul, branch, moment) {
      const past = await beingAt(soul, branch, moment);
      if (!past.being) {
        throw new StoreError("INVALID", `Being ${soul} did not exist in branch ${branch} at that moment, so there is nothing to restore: pick a later moment.`);
      }
      const now = await beings.get(soul);
      const patch: Record<string, JsonObject> = {};
      for (const field of ["genesis", "attributes", "memories", "self_awareness"] as const) {
        if (holdsNull(past.being[field])) {
          throw new StoreError(
            "INVALID",
            `The ${field} of being ${soul} held null values at that moment, which a restore cannot write back exactly; copy the values from the timeline by hand.`,
          );
        }
        const diff = diffMergePatch(now[field], past.being[field]);
        if (Object.keys(diff).length > 0) patch[field] = diff;
      }
      const being = await beings.update({
        soul,
        ...patch,
        tags: past.being.tags,
        energy_level: past.being.energy_level,
      } as Parameters<BeingsRepo["update"]>[0]);
      return { being, restored_from: past.seq };
    },

    async roomHistory(room, { before, limit }) {
      return driver.query<RoomVersion>(
        `SELECT seq::float8 AS seq, to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at, length(update) AS bytes FROM room_history
         WHERE room = $1 ${before !== undefined ? "AND seq < $3" : ""} ORDER BY seq DESC LIMIT $2`,
        before !== undefined ? [room, limit, before] : [room, limit],
      );
    },

    async roomAt(room, moment) {
      const { doc, snapshot, rows } = await roomReplay(room, moment);
      const view = snapshot || rows.length > 0 ? roomView(doc) : emptyView();
      doc.destroy();
      const [first] = await driver.query<{ at: string | null }>(
        `SELECT to_char(min(at) AT TIME ZONE 'UTC', ${ISO_TZ}) AS at FROM (
           SELECT min(at) AS at FROM room_history WHERE room = $1
           UNION ALL SELECT max(at) FROM timeline_snapshots WHERE kind = 'room' AND key = $1 AND reason = 'retention') x`,
        [room],
      );
      return {
        view,
        seq: rows.at(-1)?.seq ?? snapshot?.upto_seq ?? 0,
        at: rows.at(-1)?.at ?? null,
        replayed: rows.length,
        snapshot_seq: snapshot?.upto_seq ?? 0,
        history_starts: first?.at ?? null,
      };
    },

    async roomDocAt(room, moment) {
      const { doc, rows, snapshot } = await roomReplay(room, moment);
      const update = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      return { doc: update, seq: rows.at(-1)?.seq ?? snapshot?.upto_seq ?? 0 };
    },

    async restoreRoom(room, moment, owner) {
      const original = await rooms.get(room);
      const { doc, seq } = await this.roomDocAt(room, moment);
      const when = moment.at ?? (await this.roomHistory(room, { before: seq + 1, limit: 1 }))[0]?.at ?? new Date().toISOString();
      const name = `${original.name} (as of ${when.slice(0, 16).replace("T", " ")})`.slice(0, 200);
      const copy = await rooms.create({ name, owner });
      await rooms.appendUpdate(copy.id, doc);
      return { room: copy.id, name, restored_from: seq };
    },

    async checkpoint(now = new Date()) {
      await countPending();
      const settledBefore = new Date(now.getTime() - CHECKPOINT_SETTLE_MS);
      const due = await driver.query<{ kind: "being" | "room"; key: string }>(
        `SELECT kind, key::text AS key FROM timeline_pending WHERE pending >= $1 ORDER BY pending DESC LIMIT 100`,
        [SNAPSHOT_EVERY],
      );
      let written = 0;
      for (const { kind, key } of due) {
        written += kind === "being" ? await snapshotBeing(key, settledBefore) : await snapshotRoom(key, settledBefore);
        // NOTE: what is not settled yet stays pending, counted from the snapshot just written.
        const table = kind === "being" ? "being_journal" : "room_history";
        const col = kind === "being" ? "soul" : "room";
        await driver.query(
          `UPDATE timeline_pending SET pending = (SELECT count(*) FROM ${table} WHERE ${col} = $2
             AND seq > coalesce((SELECT max(upto_seq) FROM timeline_snapshots WHERE kind = $1 AND key = $2), 0))
           WHERE kind = $1 AND key = $2`,
          [kind, key],
        );
      }
      return written;
    },
  };
}

import "../serverOnly";
import * as Y from "yjs";
import { diffMergePatch, holdsNull } from "../../lib/diffMergePatch";
import type { JsonObject } from "../../lib/jsonMergePatch";
import { roomTypesOf } from "../../lib/rooms/roomReader";
import { branchAttributesSchema } from "../../lib/branches/schemas";
import { MAIN_BRANCH } from "../../lib/constants";
import type { Being, Relationship } from "../../lib/schemas";
import { CHECKPOINT_SETTLE_MS, SNAPSHOT_EVERY } from "../../lib/timeline/constants";
import type { Moment } from "../../lib/timeline/contract";
import {
  applyJournal,
  EMPTY_STATE,
  imageToBeing,
  imageToRelationship,
  parseState,
  relationshipsIn,
  rowIn,
  textOf,
  touching,
  transactionEnd,
  type BeingState,
  type RelationshipImage,
  type TimelineEntry,
} from "../../lib/timeline/replayBeing";
import type { BeingsRepo } from "./beings";
import type { BranchViews } from "./branchViews";
import type { SqlDriver } from "./driver";
import { StoreError } from "./errors";
import type { RoomsRepo } from "./rooms";

/** One version of a being in its journals, as the scrubber lists it. */
export interface BeingVersion {
  readonly seq: number;
  readonly at: string;
  readonly op: "created" | "changed" | "deleted";
  /** What changed: `base` its row, `version` a branch's copy-on-write version of it, `relationship` a relationship touching it. */
  readonly layer: "base" | "version" | "relationship";
  readonly branches: string[];
  /** The columns the change touched (every column for a creation). */
  readonly fields: string[];
  readonly trace: string | null;
  /** layer relationship: which one, and the being at its other end. */
  readonly relationship: { readonly id: string; readonly peer: string; readonly direction: "out" | "in" } | null;
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
  /** Every branch the being had a row or a live version in at that moment. */
  readonly branches: string[];
  /** Branches whose version of the being was a tombstone then: it was deleted there. */
  readonly deleted_in: string[];
  /** The relationships touching it (either end) that the branch saw then, by id. */
  readonly relationships: Relationship[];
}

/** What a restore did to the relationships touching the being. */
export interface RelationshipsRestored {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  /** Differences in relationships the branch does not own (it reads them through): a restore in a branch leaves those alone. */
  readonly skipped: number;
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
  restoreBeing(
    soul: string,
    branch: string,
    moment: Moment,
    options?: { relationships?: boolean },
  ): Promise<{ being: Being; restored_from: number; relationships: RelationshipsRestored | null }>;
  roomHistory(room: string, page: { before?: number | undefined; limit: number }): Promise<RoomVersion[]>;
  roomAt(room: string, moment: Moment): Promise<RoomAt>;
  /** The room's Yjs document at `moment`, as one update. */
  roomDocAt(room: string, moment: Moment): Promise<{ doc: Uint8Array; seq: number }>;
  /** A new room holding the document as it was at `moment`; the original room is untouched. */
  restoreRoom(room: string, moment: Moment, owner: string): Promise<{ room: string; name: string; restored_from: number }>;
  /** Snapshots every being and room that gathered SNAPSHOT_EVERY settled entries since its last snapshot. Returns how many it wrote. */
  checkpoint(now?: Date): Promise<number>;
}

const ISO_TZ = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const JOURNAL_COLUMNS = `'being' AS journal, seq::float8 AS seq, soul::text AS soul, op, layer, branches, old_branches, tx::float8 AS tx,
  to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at, trace, change`;
const RELATIONSHIP_JOURNAL_COLUMNS = `'relationship' AS journal, seq::float8 AS seq, id::text AS id, op, source_soul::text AS source_soul,
  target_soul::text AS target_soul, old_source_soul::text AS old_source_soul, old_target_soul::text AS old_target_soul, tx::float8 AS tx,
  to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at, trace, change`;

/**
 * The seqs of relationship_journal entries touching `$1` (either end, before or after), within `range` (SQL on seq).
 * NOTE: four ordered index walks instead of one OR, which would read every entry of the table.
 */
const relationshipSeqs = (range: string) =>
  ["source_soul", "target_soul", "old_source_soul", "old_target_soul"]
    .map((col) => `SELECT seq FROM relationship_journal WHERE ${col} = $1 ${range}`)
    .join(" UNION ");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;

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

export function createTimeTravel(driver: SqlDriver, beings: BeingsRepo, rooms: RoomsRepo, views: BranchViews): TimeTravel {
  /** The newest snapshot at or before the moment, and the entries of both journals after it up to the moment, in seq order. */
  async function beingReplay(soul: string, moment: Moment) {
    const bound = moment.seq !== undefined ? { col: "upto_seq", value: moment.seq } : moment.at !== undefined ? { col: "at", value: moment.at } : null;
    const [snap] = await driver.query<{ upto_seq: number; state: unknown }>(
      `SELECT upto_seq::float8 AS upto_seq, state FROM timeline_snapshots WHERE kind = 'being' AND key = $1
       ${bound ? `AND ${bound.col} <= $2` : ""} ORDER BY upto_seq DESC LIMIT 1`,
      bound ? [soul, bound.value] : [soul],
    );
    const from = snap?.upto_seq ?? 0;
    const entryBound = moment.seq !== undefined ? "AND seq <= $3" : moment.at !== undefined ? "AND at <= $3::timestamptz" : "";
    const params = bound ? [soul, from, moment.seq ?? moment.at] : [soul, from];
    const own = await driver.query<TimelineEntry>(
      `SELECT ${JOURNAL_COLUMNS} FROM being_journal WHERE soul = $1 AND seq > $2 ${entryBound} ORDER BY seq`,
      params,
    );
    const related = await driver.query<TimelineEntry>(
      `SELECT ${RELATIONSHIP_JOURNAL_COLUMNS} FROM relationship_journal WHERE seq IN (${relationshipSeqs(`AND seq > $2 ${entryBound}`)}) ORDER BY seq`,
      params,
    );
    const entries = related.length === 0 ? own : [...own, ...related].sort(bySeq);
    return { snapshot: snap ? { upto_seq: snap.upto_seq, state: parseState(snap.state) } : null, entries };
  }

  /**
   * The branches a branch reads, nearest first. A branch this master holds no record of (an imported history,
   * or an old tag) is looked up in the journal: its branch being's record says its lineage; without one it sees only itself.
   */
  async function visibleOf(branch: string, seen: ReadonlySet<string> = new Set()): Promise<readonly string[]> {
    if (branch === MAIN_BRANCH || !UUID.test(branch)) return [branch];
    try {
      return (await views.view(branch)).visible;
    } catch (error) {
      if (!(error instanceof StoreError && error.reason === "NOT_FOUND")) throw error;
    }
    const { state } = await stateAt(branch, {});
    const record = state.rows[MAIN_BRANCH];
    const lineage = branchAttributesSchema.safeParse(record?.["attributes"]);
    if (!record || !lineage.success || seen.has(branch)) return [branch];
    const a = lineage.data;
    if (a.isolation === "isolated") return [branch];
    if (a.isolation === "subscribe") return [branch, ...a.subscribe.filter((b) => b !== branch)];
    const parent = await visibleOf(a.parent, new Set([...seen, branch]));
    return [branch, ...parent.filter((b) => b !== branch)];
  }

  async function stateAt(soul: string, moment: Moment) {
    const { snapshot, entries } = await beingReplay(soul, moment);
    const state = touching(applyJournal(snapshot?.state ?? EMPTY_STATE, entries), soul);
    return { state, snapshot, entries };
  }

  async function beingAt(soul: string, branch: string, moment: Moment): Promise<BeingAt> {
    const [{ state, snapshot, entries }, visible] = await Promise.all([stateAt(soul, moment), visibleOf(branch)]);
    let seq = entries.at(-1)?.seq ?? snapshot?.upto_seq ?? 0;
    let at = entries.at(-1)?.at ?? null;
    if (entries.length === 0 && snapshot) {
      const [row] = await driver.query<{ at: string }>(
        `SELECT to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at FROM (SELECT at FROM being_journal WHERE seq = $1 UNION ALL SELECT at FROM relationship_journal WHERE seq = $1) x`,
        [snapshot.upto_seq],
      );
      at = row?.at ?? null;
      seq = snapshot.upto_seq;
    }
    const image = rowIn(state, visible);
    const live = Object.entries(state.versions).filter(([, v]) => v["deleted"] !== true);
    return {
      being: image ? imageToBeing(image) : null,
      seq,
      at,
      replayed: entries.length,
      snapshot_seq: snapshot?.upto_seq ?? 0,
      branches: [...new Set([...Object.keys(state.rows), ...live.map(([b]) => b)])].sort(),
      deleted_in: Object.keys(state.versions)
        .filter((b) => state.versions[b]!["deleted"] === true)
        .sort(),
      relationships: relationshipsIn(state, visible).map(imageToRelationship),
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
    let state: BeingState = snapshot?.state ?? EMPTY_STATE;
    // Only settled entries, and never half a transaction.
    let limit = entries.findIndex((e) => Date.parse(e.at) >= settledBefore.getTime());
    if (limit < 0) limit = entries.length;
    while (limit > 0 && limit < entries.length && entries[limit]!.tx === entries[limit - 1]!.tx) limit--;
    let written = 0;
    let start = 0;
    while (limit - start >= SNAPSHOT_EVERY) {
      let end = start + SNAPSHOT_EVERY;
      if (end < limit && entries[end]!.tx === entries[end - 1]!.tx) end = Math.min(transactionEnd(entries, end - 1), limit);
      state = touching(applyJournal(state, entries.slice(start, end)), soul);
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

  /** Adds the journal entries written since the last count to each being's and room's pending count (a relationship's to both its ends). */
  async function countPending(): Promise<void> {
    await driver.transaction(async (tx) => {
      for (const [journal, kind, table, keys] of [
        ["being", "being", "being_journal", ["soul"]],
        ["relationship", "being", "relationship_journal", ["source_soul", "target_soul"]],
        ["room", "room", "room_history", ["room"]],
      ] as const) {
        await tx.query("INSERT INTO timeline_watermarks (journal, counted_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING", [journal]);
        const [mark] = await tx.query<{ counted_seq: number }>(
          "SELECT counted_seq::float8 AS counted_seq FROM timeline_watermarks WHERE journal = $1 FOR UPDATE",
          [journal],
        );
        const [top] = await tx.query<{ seq: number | null }>(`SELECT max(seq)::float8 AS seq FROM ${table}`);
        if (!top?.seq || top.seq <= mark!.counted_seq) continue;
        const counted = keys.map((key) => `SELECT ${key} AS key FROM ${table} WHERE seq > $2 AND seq <= $3`).join(" UNION ALL ");
        await tx.query(
          `INSERT INTO timeline_pending (kind, key, pending)
           SELECT $1, key, count(*) FROM (${counted}) x GROUP BY key
           ON CONFLICT (kind, key) DO UPDATE SET pending = timeline_pending.pending + excluded.pending`,
          [kind, mark!.counted_seq, top.seq],
        );
        await tx.query("UPDATE timeline_watermarks SET counted_seq = $2 WHERE journal = $1", [journal, top.seq]);
      }
    });
  }

  /** What a restore in `branch` does to the relationships touching `soul`: back to `then`, only rows the branch owns. */
  async function restoreRelationships(soul: string, branch: string, then: readonly RelationshipImage[]): Promise<RelationshipsRestored> {
    const visible = await visibleOf(branch);
    const owns = (row: RelationshipImage) => {
      const tags = Array.isArray(row["branches"]) ? row["branches"] : [];
      return branch === MAIN_BRANCH ? tags.includes(MAIN_BRANCH) : tags.length === 1 && tags[0] === branch;
    };
    return driver.transaction(async (tx) => {
      const nowRows = await tx.query<{ row: RelationshipImage }>(
        "SELECT to_jsonb(r) AS row FROM relationships r WHERE source_soul = $1 OR target_soul = $1 FOR UPDATE",
        [soul],
      );
      const now = new Map(
        relationshipsIn({ ...EMPTY_STATE, relationships: Object.fromEntries(nowRows.map((r) => [textOf(r.row["id"]), r.row])) }, visible).map((r) => [
          textOf(r["id"]),
          r,
        ]),
      );
      const past = new Map(then.map((r) => [textOf(r["id"]), r]));
      const same = (a: RelationshipImage, b: RelationshipImage) => {
        const { updated_at: _a, ...x } = a;
        const { updated_at: _b, ...y } = b;
        return JSON.stringify(x, Object.keys(x).sort()) === JSON.stringify(y, Object.keys(y).sort());
      };
      const write: RelationshipImage[] = [];
      const remove: string[] = [];
      let skipped = 0;
      for (const [id, row] of past) {
        const current = now.get(id);
        if (current && same(current, row)) continue;
        if (!owns(row) || (current && !owns(current))) skipped++;
        else write.push(row);
      }
      for (const [id, row] of now) {
        if (past.has(id)) continue;
        if (owns(row)) remove.push(id);
        else skipped++;
      }
      const peers = [...new Set(write.flatMap((r) => [textOf(r["source_soul"]), textOf(r["target_soul"])]))];
      const found = new Set(
        (await tx.query<{ soul: string }>("SELECT soul::text AS soul FROM base_beings WHERE soul = ANY($1::uuid[])", [peers])).map((r) => r.soul),
      );
      const missing = peers.filter((p) => !found.has(p));
      if (missing.length > 0) {
        throw new StoreError(
          "CONFLICT",
          `At that moment being ${soul} had relationships with ${missing.join(", ")}, which no longer exist${missing.length === 1 ? "s" : ""}: restore ${missing.length === 1 ? "that being" : "those beings"} first, or restore without relationships (relationships: false).`,
        );
      }
      const [{ cols } = { cols: [] as string[] }] = await tx.query<{ cols: string[] }>(
        `SELECT array_agg(attname::text ORDER BY attnum) AS cols FROM pg_attribute WHERE attrelid = 'relationships'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'`,
      );
      const list = cols.map((c) => `"${c}"`).join(", ");
      let created = 0;
      let updated = 0;
      for (const row of write) {
        // NOTE: the row comes back as it was, as a new change: updated_at is now, and the journal keeps what it replaced.
        const image = JSON.stringify({ ...row, updated_at: new Date().toISOString().replace("Z", "") });
        const changed = await tx.query(
          `UPDATE relationships SET (${list}) = (SELECT ${list} FROM jsonb_populate_record(NULL::relationships, $2::jsonb)) WHERE id = $1::uuid RETURNING id`,
          [row["id"], image],
        );
        if (changed.length > 0) updated++;
        else {
          await tx.query("INSERT INTO relationships SELECT * FROM jsonb_populate_record(NULL::relationships, $1::jsonb)", [image]);
          created++;
        }
      }
      if (remove.length > 0) await tx.query("DELETE FROM relationships WHERE id = ANY($1::uuid[])", [remove]);
      return { created, updated, deleted: remove.length, skipped };
    });
  }

  return {
    async beingHistory(soul, { before, limit }) {
      const range = before !== undefined ? "AND seq < $3" : "";
      const params = before !== undefined ? [soul, limit, before] : [soul, limit];
      const own = await driver.query<TimelineEntry & { journal: "being" }>(
        // NOTE: a fact is created under the id of the knowledge.learned event that taught it, so its creation joins that event's trace.
        `SELECT ${JOURNAL_COLUMNS.replace(
          "trace,",
          `coalesce(trace, CASE WHEN op = 'I' AND layer = 'base' THEN (SELECT '00-' || e.traceid || '-' || (e.envelope ->> 'spanid') || '-01'
           FROM events e WHERE e.id = being_journal.soul) END) AS trace,`,
        )}
         FROM being_journal WHERE soul = $1 ${range} ORDER BY seq DESC LIMIT $2`,
        params,
      );
      const related = await driver.query<TimelineEntry & { journal: "relationship" }>(
        `SELECT ${RELATIONSHIP_JOURNAL_COLUMNS} FROM relationship_journal WHERE seq IN (
           SELECT seq FROM (${relationshipSeqs(range)}) x ORDER BY seq DESC LIMIT $2) ORDER BY seq DESC`,
        params,
      );
      const merged = [...own, ...related].sort((a, b) => b.seq - a.seq).slice(0, limit);
      return merged.map((r): BeingVersion => {
        const op = r.op === "I" ? "created" : r.op === "D" ? "deleted" : "changed";
        if (r.journal === "relationship") {
          const out = r.source_soul === soul;
          const tags = r.change?.["branches"];
          return {
            seq: r.seq,
            at: r.at,
            op,
            layer: "relationship",
            branches: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [],
            fields: r.change ? Object.keys(r.change).filter((k) => r.op === "I" || k !== "updated_at") : [],
            trace: r.trace,
            relationship: { id: r.id, peer: out ? r.target_soul : r.source_soul, direction: out ? "out" : "in" },
          };
        }
        return {
          seq: r.seq,
          at: r.at,
          op,
          layer: r.layer,
          branches: [...r.branches],
          fields: r.change ? Object.keys(r.change).filter((k) => r.op === "I" || r.old_branches || k !== "updated_at") : [],
          trace: r.trace,
          relationship: null,
        };
      });
    },

    beingAt,

    async restoreBeing(soul, branch, moment, options = {}) {
      const [{ state, entries, snapshot }, visible] = await Promise.all([stateAt(soul, moment), visibleOf(branch)]);
      const image = rowIn(state, visible);
      if (!image) {
        throw new StoreError("INVALID", `Being ${soul} did not exist in branch ${branch} at that moment, so there is nothing to restore: pick a later moment.`);
      }
      const past = imageToBeing(image);
      for (const field of ["genesis", "attributes", "memories", "self_awareness"] as const) {
        if (holdsNull(past[field])) {
          throw new StoreError(
            "INVALID",
            `The ${field} of being ${soul} held null values at that moment, which a restore cannot write back exactly; copy the values from the timeline by hand.`,
          );
        }
      }
      const now = await beings.get(soul, branch);
      // Relationships first: it refuses before writing anything when a peer is gone.
      const relationships = options.relationships === false ? null : await restoreRelationships(soul, branch, relationshipsIn(state, visible));
      const patch: Record<string, JsonObject> = {};
      for (const field of ["genesis", "attributes", "memories", "self_awareness"] as const) {
        const diff = diffMergePatch(now[field], past[field]);
        if (Object.keys(diff).length > 0) patch[field] = diff;
      }
      // NOTE: a record that is already as it was is left alone: no version that changes nothing.
      const same = Object.keys(patch).length === 0 && past.energy_level === now.energy_level && JSON.stringify(past.tags) === JSON.stringify(now.tags);
      const being = same
        ? now
        : await beings.update({
            soul,
            ...patch,
            ...(branch === MAIN_BRANCH ? {} : { branch }),
            tags: past.tags,
            energy_level: past.energy_level,
          } as Parameters<BeingsRepo["update"]>[0]);
      return { being, restored_from: entries.at(-1)?.seq ?? snapshot?.upto_seq ?? 0, relationships };
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
        const since = "seq > coalesce((SELECT max(upto_seq) FROM timeline_snapshots WHERE kind = $1 AND key = $2), 0)";
        const count =
          kind === "being"
            ? `(SELECT count(*) FROM being_journal WHERE soul = $2 AND ${since}) +
               (SELECT count(*) FROM relationship_journal WHERE (source_soul = $2 OR target_soul = $2) AND ${since})`
            : `(SELECT count(*) FROM room_history WHERE room = $2 AND ${since})`;
        await driver.query(`UPDATE timeline_pending SET pending = ${count} WHERE kind = $1 AND key = $2`, [kind, key]);
      }
      return written;
    },
  };
}

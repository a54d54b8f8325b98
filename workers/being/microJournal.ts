/**
 * The micro-world's flight recorder (issue 9): triggers on the being's own tables write an undo log
 * (`journal`: time, op, table, row id, the old and new row as JSON, the trace of the work), so the
 * micro-world can be rebuilt as it was at any moment since the recorded floor, and restored to one as a
 * new change. Time and trace come from `journal_clock`, which `MicroWorld.write` sets once per
 * transaction: one step of the being is one moment. Pruning keeps each table's log bounded and moves
 * that table's floor forward, so a rebuild never replays more than JOURNAL_MAX_ENTRIES_PER_TABLE.
 */
import { JOURNAL_MAX_AGE_MS, JOURNAL_MAX_ENTRIES_PER_TABLE } from "./constants";
import type { Database } from "./sqlQuery";

/** A table the recorder follows: its columns as of the schema that added the triggers; `blobs` are kept as hex. */
export interface JournaledTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly blobs: readonly string[];
  /** REAL columns, kept as 17-digit text: sqlite's JSON writes 15 digits, and a restored fact must be the same number. */
  readonly reals: readonly string[];
  /** Bookkeeping columns: a change of only these is not a change of what the being knows (kept in old images, never undone alone). */
  readonly ignored: readonly string[];
}

/**
 * The being's knowledge, recorded (schema 4). NOT recorded: `settings` (the saved mind: rewinding it would hand back
 * spent Tiki), `cursors` (where the sync stands with the master), `outbox` and `spend` (queues to the master: rewinding
 * them would resend or drop what the master already has). A later migration that adds a column to one of these tables
 * recreates its triggers with the new list.
 */
export const JOURNALED_TABLES: readonly JournaledTable[] = [
  {
    name: "facts",
    columns: ["id", "text", "embedding", "source", "confidence", "learned_at", "synced", "event_id", "master_fact"],
    blobs: ["embedding"],
    reals: ["confidence"],
    // NOTE: `synced` flips when the master acknowledges a fact; recording that would add a 3 KB old image per fact synced.
    ignored: ["synced"],
  },
  { name: "memories", columns: ["id", "at", "kind", "text", "data"], blobs: [], reals: [], ignored: [] },
  { name: "world_model", columns: ["key", "expected", "observed", "observed_at"], blobs: [], reals: [], ignored: [] },
];
export type JournaledTableName = "facts" | "memories" | "world_model";
export const JOURNALED_TABLE_NAMES = JOURNALED_TABLES.map((t) => t.name) as readonly JournaledTableName[];

const quote = (name: string) => `'${name}'`;

function image(table: JournaledTable, row: "OLD" | "NEW", c: string): string {
  if (table.blobs.includes(c)) return `hex(${row}.${c})`;
  if (table.reals.includes(c)) return `iif(${row}.${c} IS NULL, NULL, printf('%!.17g', ${row}.${c}))`;
  return `${row}.${c}`;
}

/** `json_object(...)` of a row; blobs as hex, or left out (the new image of a row: undo never needs it). */
function rowJson(table: JournaledTable, row: "OLD" | "NEW", withBlobs: boolean): string {
  const parts = table.columns.filter((c) => withBlobs || !table.blobs.includes(c)).map((c) => `${quote(c)}, ${image(table, row, c)}`);
  return `json_object(${parts.join(", ")})`;
}

const CLOCK_AT = "coalesce((SELECT at FROM journal_clock WHERE id = 1), CAST(unixepoch('subsec') * 1000 AS INTEGER))";
const CLOCK_TRACE = "(SELECT trace FROM journal_clock WHERE id = 1)";

function triggersOf(table: JournaledTable): string {
  const t = table.name;
  const changed = table.columns
    .filter((c) => !table.ignored.includes(c))
    .map((c) => `OLD.${c} IS NOT NEW.${c}`)
    .join(" OR ");
  const insert = (op: string, rid: string, old: string, now: string) =>
    `INSERT INTO journal(at, op, tbl, rid, old, new, trace) VALUES (${CLOCK_AT}, '${op}', '${t}', ${rid}, ${old}, ${now}, ${CLOCK_TRACE});`;
  return `
   CREATE TRIGGER journal_${t}_insert AFTER INSERT ON ${t} BEGIN ${insert("I", "NEW.rowid", "NULL", rowJson(table, "NEW", false))} END;
   CREATE TRIGGER journal_${t}_update AFTER UPDATE ON ${t} WHEN ${changed} BEGIN ${insert("U", "OLD.rowid", rowJson(table, "OLD", true), rowJson(table, "NEW", false))} END;
   CREATE TRIGGER journal_${t}_delete AFTER DELETE ON ${t} BEGIN ${insert("D", "OLD.rowid", rowJson(table, "OLD", true), "NULL")} END;`;
}

/**
 * Schema 4: the journal, its clock and each table's floor, and the triggers. A table that holds rows already (an older
 * micro-world, migrated) has its floor at the moment the recorder was added: there is no history before it, and the
 * rebuild says so instead of inventing one. An empty table's floor is 0: before its first recorded change it was empty.
 * NOTE: the triggers see only INSERT, UPDATE and DELETE; `INSERT OR REPLACE` would delete without them, and none of these tables uses it.
 */
export const JOURNAL_MIGRATION = `
   CREATE TABLE journal (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, op TEXT NOT NULL CHECK (op IN ('I', 'U', 'D')),
     tbl TEXT NOT NULL, rid INTEGER NOT NULL, old TEXT, new TEXT, trace TEXT);
   CREATE INDEX journal_tbl_at ON journal(tbl, at);
   CREATE INDEX journal_at ON journal(at);
   CREATE TABLE journal_clock (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER, trace TEXT);
   INSERT INTO journal_clock(id, at, trace) VALUES (1, NULL, NULL);
   CREATE TABLE journal_floor (tbl TEXT PRIMARY KEY, at INTEGER NOT NULL);
   ${JOURNALED_TABLES.map((t) => `INSERT INTO journal_floor(tbl, at) SELECT '${t.name}', CASE WHEN EXISTS (SELECT 1 FROM ${t.name}) THEN CAST(unixepoch('subsec') * 1000 AS INTEGER) ELSE 0 END;`).join("\n   ")}
   ${JOURNALED_TABLES.map(triggersOf).join("\n")}`;

/** One recorded change, as the undo needs it. */
interface Entry {
  readonly seq: number;
  readonly op: "I" | "U" | "D";
  readonly tbl: JournaledTableName;
  readonly rid: number;
  readonly old: string | null;
}

/** The undo statements of one table: an insert is undone by a delete, a delete by an insert of the old row, an update by the old values. */
function undoSql(table: JournaledTable) {
  const value = (c: string) =>
    table.blobs.includes(c)
      ? `unhex(json_extract(?2, '$.${c}'))`
      : table.reals.includes(c)
        ? `CAST(json_extract(?2, '$.${c}') AS REAL)`
        : `json_extract(?2, '$.${c}')`;
  return {
    I: `DELETE FROM ${table.name} WHERE rowid = ?1`,
    D: `INSERT INTO ${table.name}(rowid, ${table.columns.join(", ")}) SELECT ?1, ${table.columns.map(value).join(", ")}`,
    U: `UPDATE ${table.name} SET ${table.columns
      .filter((c) => !table.ignored.includes(c))
      .map((c) => `${c} = ${value(c)}`)
      .join(", ")} WHERE rowid = ?1`,
  };
}

/** Each recorded table's floor: the earliest moment it can be rebuilt at (ms since the epoch). */
export function journalFloors(db: Database): Record<JournaledTableName, number> {
  const floors = Object.fromEntries(JOURNALED_TABLE_NAMES.map((t) => [t, 0])) as Record<JournaledTableName, number>;
  for (const [tbl, at] of db.selectArrays("SELECT tbl, at FROM journal_floor"))
    if (typeof tbl === "string" && tbl in floors) floors[tbl as JournaledTableName] = Number(at);
  return floors;
}

/**
 * Undoes, in `db`, every recorded change of `tables` made after `at`, newest first: afterwards those tables hold what
 * they held at `at`. Runs in the caller's transaction. Answers how many changes it undid per table.
 */
export function undoAfter(db: Database, at: number, tables: readonly JournaledTableName[]): Record<string, number> {
  const undone: Record<string, number> = {};
  if (tables.length === 0) return undone;
  const rows = db.selectArrays(`SELECT seq, op, tbl, rid, old FROM journal WHERE at > ? AND tbl IN (${tables.map(() => "?").join(", ")}) ORDER BY seq DESC`, [
    at,
    ...tables,
  ]);
  const entries: Entry[] = rows.map((r) => ({
    seq: Number(r[0]),
    op: r[1] as Entry["op"],
    tbl: r[2] as JournaledTableName,
    rid: Number(r[3]),
    old: r[4] as string | null,
  }));
  const statements = new Map<string, ReturnType<Database["prepare"]>>();
  try {
    for (const entry of entries) {
      const key = `${entry.tbl}/${entry.op}`;
      let stmt = statements.get(key);
      if (!stmt) {
        const table = JOURNALED_TABLES.find((t) => t.name === entry.tbl)!;
        stmt = db.prepare(undoSql(table)[entry.op]);
        statements.set(key, stmt);
      }
      stmt.bind(entry.op === "I" ? [entry.rid] : [entry.rid, entry.old]).stepReset();
      undone[entry.tbl] = (undone[entry.tbl] ?? 0) + 1;
    }
  } finally {
    for (const stmt of statements.values()) stmt.finalize();
  }
  return undone;
}

/** How much history each table keeps. */
export interface JournalBounds {
  readonly maxEntriesPerTable: number;
  readonly maxAgeMs: number;
}
export const JOURNAL_BOUNDS: JournalBounds = { maxEntriesPerTable: JOURNAL_MAX_ENTRIES_PER_TABLE, maxAgeMs: JOURNAL_MAX_AGE_MS };

/**
 * Keeps each table's log within JOURNAL_MAX_ENTRIES_PER_TABLE and JOURNAL_MAX_AGE_MS of `now`: whole moments are
 * dropped oldest first (never half a transaction) and the table's floor moves to the last one dropped. Answers how many
 * entries went.
 */
export function pruneJournal(db: Database, now: number, bounds: JournalBounds = JOURNAL_BOUNDS): number {
  let dropped = 0;
  for (const tbl of JOURNALED_TABLE_NAMES) {
    // The moment before which entries go: by age, or the time of the entry that keeps the newest N.
    const byAge = now - bounds.maxAgeMs;
    const nth = db.selectValue("SELECT at FROM journal WHERE tbl = ? ORDER BY at DESC LIMIT 1 OFFSET ?", [tbl, bounds.maxEntriesPerTable]);
    // NOTE: `at` never goes back, so its order is the log's (and the (tbl, at) index walks it); `<=` the N+1th newest entry's moment: that whole moment goes, so the log holds at most N and never part of a step.
    const cutoff = Math.max(byAge, nth === undefined ? -Infinity : Number(nth) + 1);
    const last = db.selectValue("SELECT max(at) FROM journal WHERE tbl = ? AND at < ?", [tbl, cutoff]);
    if (last === null || last === undefined) continue;
    const before = Number(db.selectValue("SELECT count(*) FROM journal WHERE tbl = ? AND at < ?", [tbl, cutoff]) ?? 0);
    db.exec({ sql: "DELETE FROM journal WHERE tbl = ? AND at < ?", bind: [tbl, cutoff] });
    db.exec({
      sql: "INSERT INTO journal_floor(tbl, at) VALUES (?, ?) ON CONFLICT(tbl) DO UPDATE SET at = max(at, excluded.at)",
      bind: [tbl, Number(last)],
    });
    dropped += before;
  }
  return dropped;
}

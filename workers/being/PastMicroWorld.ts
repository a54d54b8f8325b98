/**
 * A being's micro-world as it was at a past moment: a copy of the current image in memory, with every
 * recorded change after the moment undone (workers/being/microJournal.ts). Read-only for its users; the
 * live micro-world is never touched. Tables the recorder does not follow are dropped from the copy, so a
 * query cannot mistake today's queues for the past.
 */
import type { MicroWorldMoment, MicroWorldMomentTable, QueryResult } from "./api";
import { MOMENT_ROWS_CAP } from "./constants";
import { JOURNALED_TABLES, JOURNALED_TABLE_NAMES, journalFloors, undoAfter, type JournaledTable, type JournaledTableName } from "./microJournal";
import { MicroWorldError } from "./microWorldError";
import { readOnlyQuery, toCell, type Cell, type Database, type Sqlite3 } from "./sqlQuery";

/** The columns a person reads: blobs (the embedding) left out. */
const shownColumns = (table: JournaledTable) => table.columns.filter((c) => !table.blobs.includes(c));

/** Rows of a recorded table keyed by rowid, with the shown columns. */
export function tableRowsById(db: Database, table: JournaledTable): Map<number, Cell[]> {
  const columns = shownColumns(table);
  const rows = new Map<number, Cell[]>();
  for (const r of db.selectArrays(`SELECT rowid, ${columns.join(", ")} FROM ${table.name} ORDER BY rowid`)) rows.set(Number(r[0]), r.slice(1).map(toCell));
  return rows;
}

export class PastMicroWorld {
  private closed = false;
  private constructor(
    private readonly sqlite3: Sqlite3,
    private readonly db: Database,
    /** The moment (ms since the epoch). */
    readonly at: number,
    /** Changes undone per table to get here. */
    readonly undone: Readonly<Record<string, number>>,
    /** Tables whose recorded history does not reach back to `at` (their floor is later): not rebuilt, not shown. */
    readonly unavailable: ReadonlyMap<JournaledTableName, number>,
    /** Milliseconds the copy and the undo took. */
    readonly ms: number,
  ) {}

  /**
   * Rebuilds the moment `at` from `image` (the live micro-world's serialized bytes). Tables whose floor is after `at`
   * are left out and listed in `unavailable`; a moment before every floor is refused.
   */
  static rebuild(sqlite3: Sqlite3, image: Uint8Array, at: number): PastMicroWorld {
    const began = performance.now();
    const db = new sqlite3.oo1.DB(":memory:", "c");
    try {
      const copy = sqlite3.wasm.allocFromTypedArray(image);
      const { capi } = sqlite3;
      // NOTE: FREEONCLOSE hands the copy to sqlite; RESIZEABLE lets the undo grow it. The live file is never opened here.
      const rc = capi.sqlite3_deserialize(
        db,
        "main",
        copy,
        image.length,
        image.length,
        capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_RESIZEABLE,
      );
      if (rc !== 0) throw new MicroWorldError("corrupt", `sqlite could not copy the micro-world (${capi.sqlite3_js_rc_str(rc) ?? rc}).`);
      const floors = journalFloors(db);
      const unavailable = new Map<JournaledTableName, number>();
      for (const t of JOURNALED_TABLE_NAMES) if (floors[t] > at) unavailable.set(t, floors[t]);
      if (unavailable.size === JOURNALED_TABLE_NAMES.length) {
        const earliest = Math.min(...unavailable.values());
        throw new MicroWorldError(
          "refused",
          `This micro-world's history starts at ${new Date(earliest).toISOString()} (older changes were pruned, or it was recorded only since then): pick a later moment.`,
        );
      }
      const kept = JOURNALED_TABLE_NAMES.filter((t) => !unavailable.has(t));
      let undone: Record<string, number> = {};
      db.transaction(() => {
        // NOTE: the copy's own triggers would journal the undo; this copy is thrown away, so they go first.
        for (const name of db.selectValues("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'journal\\_%' ESCAPE '\\'").map(String))
          db.exec(`DROP TRIGGER "${name}"`);
        undone = undoAfter(db, at, kept);
        db.exec({ sql: "DELETE FROM journal WHERE at > ?", bind: [at] });
        const keep = new Set<string>([...kept, "journal", "journal_floor"]);
        for (const name of db.selectValues("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").map(String))
          if (!keep.has(name)) db.exec(`DROP TABLE "${name.replaceAll('"', '""')}"`);
      });
      return new PastMicroWorld(sqlite3, db, at, undone, unavailable, Math.round((performance.now() - began) * 10) / 10);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** One read-only statement over the moment (the recorded tables and the journal up to it). */
  query(sql: string): QueryResult {
    this.assertOpen();
    return readOnlyQuery(this.sqlite3, this.db, sql);
  }

  /** Rows of a recorded table at the moment, keyed by rowid (null when its history does not reach back). */
  rows(table: JournaledTableName): Map<number, Cell[]> | null {
    this.assertOpen();
    if (this.unavailable.has(table)) return null;
    return tableRowsById(
      this.db,
      JOURNALED_TABLES.find((t) => t.name === table)!,
    );
  }

  /** The moment as the scrubber shows it: each recorded table then, and what changed between then and `now`. */
  moment(now: (table: JournaledTable) => Map<number, Cell[]>): MicroWorldMoment {
    const tables = JOURNALED_TABLES.map((table): MicroWorldMomentTable => {
      const columns = shownColumns(table);
      const floor = this.unavailable.get(table.name as JournaledTableName);
      const current = now(table);
      if (floor !== undefined)
        return { name: table.name, columns, available: false, floor, total: 0, rows: [], added: [], removed: [], changed: [], nowTotal: current.size };
      const then = this.rows(table.name as JournaledTableName)!;
      const compared = columns.map((c, i) => (table.ignored.includes(c) ? -1 : i)).filter((i) => i >= 0);
      const same = (a: Cell[], b: Cell[]) => compared.every((i) => a[i] === b[i]);
      const added: Cell[][] = [];
      const removed: Cell[][] = [];
      const changed: { then: Cell[]; now: Cell[] }[] = [];
      for (const [id, row] of current) {
        const old = then.get(id);
        if (!old) added.push(row);
        else if (!same(old, row)) changed.push({ then: old, now: row });
      }
      for (const [id, row] of then) if (!current.has(id)) removed.push(row);
      const cap = <T>(list: T[]) => list.slice(-MOMENT_ROWS_CAP);
      return {
        name: table.name,
        columns,
        available: true,
        floor: null,
        total: then.size,
        rows: cap([...then.values()]),
        added: cap(added),
        removed: cap(removed),
        changed: cap(changed),
        nowTotal: current.size,
      };
    });
    return { at: this.at, tables, undone: Object.values(this.undone).reduce((n, k) => n + k, 0), ms: this.ms };
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new MicroWorldError("unknown", "This past moment of the micro-world was closed; pick the moment again.");
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

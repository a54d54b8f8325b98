import "../serverOnly";
import type { SqlDriver } from "./driver";

/** Rows written to a table since its last analyze before it is analyzed again (and at least this share of it). */
const ANALYZE_MIN_ROWS = 1_000;
const ANALYZE_MIN_SHARE = 0.1;
/** Bulk loads come in bursts: wait for a quiet moment before vacuuming. */
const ANALYZE_DEBOUNCE_MS = 2_000;

type Table = "base_beings" | "relationships" | "events" | "knowledge_facts" | "being_versions";
const TABLES: readonly Table[] = ["base_beings", "relationships", "events", "knowledge_facts", "being_versions"];

export interface Maintenance {
  /** Tells maintenance that `rows` rows of `table` were written. */
  noteWrites(table: Table, rows: number): void;
  /** Runs any pending VACUUM (ANALYZE) now; resolves when done. */
  flush(): Promise<void>;
  /** Idempotent: cancels the timer and waits for a run in flight. */
  close(): Promise<void>;
}

/**
 * Keeps the planner's statistics and the GIN indexes fresh where nothing else does.
 * NOTE: PGlite has no autovacuum: without statistics the planner picks slow plans for common
 * tags, and GIN pending lists grow until every lookup scans them (bench/README.md has the figures).
 * PostgreSQL's autovacuum does this itself, so there it is a no-op.
 */
export async function createMaintenance(driver: SqlDriver, onError: (error: unknown) => void = () => undefined): Promise<Maintenance> {
  if (driver.kind !== "pglite") return { noteWrites: () => undefined, flush: () => Promise.resolve(), close: () => Promise.resolve() };

  const sizes = new Map<Table, number>();
  const written = new Map<Table, number>(TABLES.map((t) => [t, 0]));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  async function run(tables: Table[]): Promise<void> {
    for (const table of tables) {
      await driver.exec(`VACUUM (ANALYZE) ${table}`);
      const [row] = await driver.query<{ n: number }>(`SELECT reltuples::int AS n FROM pg_class WHERE relname = $1`, [table]);
      sizes.set(table, Math.max(0, row?.n ?? 0));
      written.set(table, 0);
    }
  }

  function due(): Table[] {
    return [...written].filter(([table, n]) => n >= Math.max(ANALYZE_MIN_ROWS, ANALYZE_MIN_SHARE * (sizes.get(table) ?? 0))).map(([t]) => t);
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const tables = due();
    if (tables.length) running = running.then(() => run(tables)).catch(onError);
    return running;
  }

  // A world that was never analyzed (or was loaded by an older version) gets its statistics now.
  const stats = await driver.query<{ relname: Table; n: number }>("SELECT relname, reltuples::int AS n FROM pg_class WHERE relname = ANY($1::text[])", [
    TABLES,
  ]);
  const never = stats.filter((s) => s.n < 0).map((s) => s.relname);
  for (const s of stats) sizes.set(s.relname, Math.max(0, s.n));
  if (never.length) await run(never);

  return {
    noteWrites(table, rows) {
      if (closed) return;
      written.set(table, (written.get(table) ?? 0) + rows);
      if (due().length === 0) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), ANALYZE_DEBOUNCE_MS);
      timer.unref?.();
    },
    flush,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

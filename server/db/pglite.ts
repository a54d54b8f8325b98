import "../serverOnly";
import { mkdir } from "node:fs/promises";
import type { SqlDriver, SqlExecutor } from "./driver";

export interface PgliteOptions {
  /** A folder for the database files; omit for an in-memory database (tests). */
  dataDir?: string;
}

/**
 * The embedded master: PGlite (PostgreSQL in WASM) with pgvector, in one process.
 * NOTE: PGlite is a single connection; it queues concurrent queries itself.
 */
export async function createPgliteDriver(options: PgliteOptions = {}): Promise<SqlDriver> {
  // NOTE: loaded lazily so a PostgreSQL deployment never pays for the WASM.
  const [{ PGlite }, { vector }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-pgvector")]);
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { vector },
  });
  await db.exec("SET TIME ZONE 'UTC'");

  const wrap = (q: Pick<typeof db, "query" | "exec">): SqlExecutor => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const result = await q.query<T>(text, params ? [...params] : undefined);
      return result.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(db);
  let closed: Promise<void> | undefined;
  return {
    kind: "pglite",
    ...base,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => (closed ??= db.close()),
  };
}

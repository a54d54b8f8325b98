/** Throwaway stores for the benchmarks: a PGlite in a temp dir, or a temporary database on a PostgreSQL server. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openStore } from "../../server/db/openStore";
import type { MasterStore } from "../../server/db/store";

/**
 * Opens a fresh store, runs `fn(store, openMs)` and closes it; the database is removed afterwards (also
 * on Ctrl-C). PostgreSQL: a temporary database `luxos_bench_<pid>_<t>` on the server of `url`, so tests
 * using the given database meanwhile are not disturbed; dropped `WITH (FORCE)`.
 */
export async function withScratchStore<T>(
  target: { kind: "pglite" } | { kind: "postgres"; url: string },
  fn: (store: MasterStore, openMs: number) => Promise<T>,
  onCleanupError: (error: Error) => void = () => undefined,
): Promise<T & { database: string }> {
  let open: () => Promise<MasterStore>;
  let cleanup: () => Promise<void>;
  let database: string;
  if (target.kind === "pglite") {
    const dir = await mkdtemp(path.join(os.tmpdir(), "luxos-bench-"));
    open = () => openStore({ kind: "pglite", dataDir: dir });
    cleanup = () => rm(dir, { recursive: true, force: true });
    database = `temporary dataDir ${dir} (removed)`;
  } else {
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    const name = `luxos_bench_${process.pid}_${Date.now().toString(36)}`;
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(target.url);
    url.pathname = `/${name}`;
    open = () => openStore({ kind: "postgres", url: url.toString() });
    cleanup = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    database = `temporary database ${name} (dropped)`;
  }
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  try {
    const t = performance.now();
    const store = await open();
    try {
      return { ...(await fn(store, performance.now() - t)), database };
    } finally {
      await store.close();
    }
  } finally {
    process.off("SIGINT", onSignal);
    await cleanup().catch(onCleanupError);
  }
}

import "../serverOnly";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import type { SqlDriver } from "./driver";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
/** Any number will do, as long as no other tool of ours takes it. */
const MIGRATION_LOCK_KEY = 7_351_001;

/** Reads `NNNN_name.sql` files in version order. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(new URL(file, dir), "utf8");
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ""),
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
      };
    }),
  );
}

/**
 * Applies every migration not yet recorded, in one transaction, under an advisory lock
 * so several app servers starting together apply each exactly once.
 * Returns the names it applied.
 */
export async function migrate(driver: SqlDriver, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  return driver.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS luxos_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const applied = await tx.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM luxos_migrations ORDER BY version",
    );
    const byVersion = new Map(applied.map((m) => [m.version, m]));
    const done: string[] = [];
    for (const m of all) {
      const previous = byVersion.get(m.version);
      if (previous) {
        if (previous.checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was edited after it was applied to this database. Migrations never change once shipped: put the change in a new migration file.`,
          );
        }
        continue;
      }
      await tx.exec(m.sql);
      await tx.query("INSERT INTO luxos_migrations (version, name, checksum) VALUES ($1, $2, $3)", [m.version, m.name, m.checksum]);
      done.push(m.name);
    }
    return done;
  });
}

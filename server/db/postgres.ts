import "../serverOnly";
import pg from "pg";
import type { SqlDriver, SqlExecutor } from "./driver";

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** Keep the world in this schema instead of `public` (created if missing); tests use one each. */
  schema?: string;
}

/** The scale-out master: a real PostgreSQL with pgvector behind a node-postgres pool. */
export async function createPostgresDriver({ url, poolSize = 10, schema }: PostgresOptions): Promise<SqlDriver> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema "${schema}" must be a lower-case SQL identifier`);
  const searchPath = schema ? ` -c search_path=${schema},public` : "";
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c TimeZone=UTC${searchPath}`, connectionTimeoutMillis: 10_000 });
  // NOTE: an idle client that loses its server emits 'error' on the pool; unhandled it would kill the process.
  pool.on("error", (error) => console.error("[luxos] PostgreSQL connection lost:", error.message));
  try {
    await pool.query("SELECT 1");
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    await pool.end();
    throw new Error(
      `Cannot reach PostgreSQL at DATABASE_URL (${redact(url)}): ${(error as Error).message}. Check that the server runs and the URL is right, or unset DATABASE_URL to use the embedded PGlite.`,
    );
  }
  const wrap = (q: { query: pg.Pool["query"] }): SqlExecutor => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const result = await q.query(text, params ? [...params] : undefined);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });
  let closed: Promise<void> | undefined;
  return {
    kind: "postgres",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => (closed ??= pool.end()),
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

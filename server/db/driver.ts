import "../serverOnly";

/** Something that runs SQL: a pool, a connection, or a transaction. */
export interface SqlExecutor {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements with no parameters. */
  exec(sql: string): Promise<void>;
}

/**
 * The few primitives a master store backend supplies (PGlite or PostgreSQL).
 * Everything else lives once, in store.ts.
 */
export interface SqlDriver extends SqlExecutor {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** The SQLSTATE of a database error, when it has one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = error.code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

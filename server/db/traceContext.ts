import "../serverOnly";
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriver } from "./driver";

/**
 * The W3C traceparent of the request being served (issue 9): set once at the request boundary (the
 * tRPC middleware, from a validated `traceparent` header) and read where the store writes, which hands
 * it to the database as `luxos.traceparent` so the journal triggers record it (migration 0008).
 */
const current = new AsyncLocalStorage<string>();

/** Runs `fn` with `traceparent` as the trace of every write it makes (none when undefined). */
export function withTraceparent<T>(traceparent: string | undefined, fn: () => T): T {
  return traceparent === undefined ? fn() : current.run(traceparent, fn);
}

/** The traceparent of the work under way, if any. */
export function currentTraceparent(): string | undefined {
  return current.getStore();
}

/** A statement that reads only (what runs outside a transaction untouched, however the request is traced). */
const READ_ONLY = /^\s*(SELECT|SHOW|EXPLAIN)\b/i;

/**
 * The driver every repository writes through: while a traced request runs, each transaction first sets
 * `luxos.traceparent` for itself (`set_config(..., true)` ends with the transaction), and a lone writing
 * statement runs in a transaction of its own to carry it. Untraced work runs exactly as before.
 * NOTE: maintenance (VACUUM, which cannot run in a transaction) keeps the plain driver.
 */
export function createTracedDriver(driver: SqlDriver): SqlDriver {
  const mark = (tx: { query: SqlDriver["query"] }, traceparent: string) => tx.query("SELECT set_config('luxos.traceparent', $1, true)", [traceparent]);
  return {
    kind: driver.kind,
    close: () => driver.close(),
    transaction(fn) {
      const traceparent = currentTraceparent();
      if (traceparent === undefined) return driver.transaction(fn);
      return driver.transaction(async (tx) => {
        await mark(tx, traceparent);
        return fn(tx);
      });
    },
    query<T>(text: string, params?: readonly unknown[]) {
      const traceparent = currentTraceparent();
      if (traceparent === undefined || READ_ONLY.test(text)) return driver.query<T>(text, params);
      return driver.transaction(async (tx) => {
        await mark(tx, traceparent);
        return tx.query<T>(text, params);
      });
    },
    exec(sql: string) {
      const traceparent = currentTraceparent();
      if (traceparent === undefined) return driver.exec(sql);
      return driver.transaction(async (tx) => {
        await mark(tx, traceparent);
        await tx.exec(sql);
      });
    },
  };
}

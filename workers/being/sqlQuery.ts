/** Read-only SQL over a micro-world database (the live one or a copy of it as it was): one statement, capped rows, cells as the page shows them. */
import type sqlite3InitModule from "@sqlite.org/sqlite-wasm";
import type { QueryResult } from "./api";
import { QUERY_ROW_CAP } from "./constants";
import { MicroWorldError } from "./microWorldError";
import { checkReadOnlySql } from "./readOnlySql";

export type Sqlite3 = Awaited<ReturnType<typeof sqlite3InitModule>>;
export type Database = InstanceType<Sqlite3["oo1"]["DB"]>;
export type Cell = string | number | null;

/** A value as a cell the page can show: blobs as their size, big integers as numbers. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Uint8Array) return `<blob ${value.byteLength} bytes>`;
  return JSON.stringify(value) ?? null;
}

/**
 * One read-only statement, at most QUERY_ROW_CAP rows. Refuses writes, several statements and
 * anything sqlite itself does not call read-only (`sqlite3_stmt_readonly`).
 */
export function readOnlyQuery(sqlite3: Sqlite3, db: Database, sql: string): QueryResult {
  const problem = checkReadOnlySql(sql);
  if (problem) throw new MicroWorldError("refused", problem);
  const started = performance.now();
  let stmt;
  try {
    stmt = db.prepare(sql);
  } catch (error) {
    throw new MicroWorldError("refused", error instanceof Error ? error.message.replace(/^SQLITE_\w+: /, "") : String(error));
  }
  try {
    if (!stmt.pointer || sqlite3.capi.sqlite3_stmt_readonly(stmt.pointer) === 0) {
      throw new MicroWorldError("refused", "Only read-only statements may run here: this one would change the database.");
    }
    const columns = stmt.getColumnNames();
    const rows: Cell[][] = [];
    let truncated = false;
    while (stmt.step()) {
      if (rows.length === QUERY_ROW_CAP) {
        truncated = true;
        break;
      }
      rows.push(columns.map((_, i) => toCell(stmt.get(i))));
    }
    return { columns, rows, truncated, ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    if (error instanceof MicroWorldError) throw error;
    throw new MicroWorldError("refused", error instanceof Error ? error.message : String(error));
  } finally {
    stmt.finalize();
  }
}

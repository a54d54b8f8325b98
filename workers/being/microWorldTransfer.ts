/**
 * Moving a micro-world between browsers (seed 000, migration): read a being's SQLite file as one image,
 * check an image that came in a being file (header, integrity, schema) without writing anything, and write
 * it to OPFS for the being it now belongs to. The file format around the image: lib/genesis/microWorldFile.ts.
 */
import { checkSqliteHeader, MicroWorldFileError } from "../../lib/genesis/microWorldFile";
import type { MicroWorldSummary } from "./api";
import { MICRO_WORLD_DIR } from "./constants";
import {
  classifyStorageError,
  JOURNAL_SCHEMA_VERSION,
  JOURNAL_TABLES,
  loadSqlite,
  MICRO_WORLD_SCHEMA_VERSION,
  MICRO_WORLD_TABLES,
  MicroWorldError,
} from "./microWorld";

const fileOf = (soul: string) => `${MICRO_WORLD_DIR}/${soul}.sqlite3`;

/** The being's file in OPFS, or null when this browser has none (nothing is created). */
async function storedFile(soul: string): Promise<FileSystemFileHandle | null> {
  try {
    let dir = await navigator.storage.getDirectory();
    for (const part of MICRO_WORLD_DIR.split("/").filter(Boolean)) dir = await dir.getDirectoryHandle(part);
    return await dir.getFileHandle(`${soul}.sqlite3`);
  } catch (error) {
    if (error instanceof DOMException && (error.name === "NotFoundError" || error.name === "TypeMismatchError")) return null;
    throw classifyStorageError(error);
  }
}

/**
 * The image of a being's micro-world that is not open in this worker (the being runs elsewhere, or not at all):
 * opened read-only through sqlite, so a journal left by a crash is honoured, and serialized. Null when there is none.
 */
export async function readStoredImage(soul: string): Promise<Uint8Array | null> {
  if (!(await storedFile(soul))) return null;
  const sqlite3 = await loadSqlite();
  if (!sqlite3.oo1.OpfsDb) throw new MicroWorldError("no_opfs", "OPFS is not available here, so the micro-world cannot be read.");
  let db: InstanceType<typeof sqlite3.oo1.OpfsDb> | undefined;
  try {
    db = new sqlite3.oo1.OpfsDb(fileOf(soul), "r");
    return sqlite3.capi.sqlite3_js_db_export(db);
  } catch (error) {
    throw classifyStorageError(error);
  } finally {
    db?.close();
  }
}

/**
 * Checks an image as a being's micro-world in an in-memory database: header, `PRAGMA quick_check`, a schema
 * version this build can open (an older one is migrated when the being starts), and every table. Writes nothing.
 * Throws a MicroWorldFileError that says what is wrong.
 */
export async function checkImage(bytes: Uint8Array): Promise<MicroWorldSummary> {
  checkSqliteHeader(bytes);
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(":memory:", "c");
  try {
    const copy = sqlite3.wasm.allocFromTypedArray(bytes);
    const { capi } = sqlite3;
    // NOTE: FREEONCLOSE hands the copy to sqlite; READONLY keeps the check from changing anything.
    const rc = capi.sqlite3_deserialize(db, "main", copy, bytes.length, bytes.length, capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_READONLY);
    if (rc !== 0) throw new MicroWorldFileError(`sqlite could not open the micro-world (${capi.sqlite3_js_rc_str(rc) ?? rc}).`);
    let check: unknown;
    try {
      check = db.selectValue("PRAGMA quick_check");
    } catch (error) {
      throw new MicroWorldFileError(`The micro-world is damaged: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (check !== "ok") throw new MicroWorldFileError(`The micro-world is damaged: sqlite's check says "${String(check)}".`);
    const version = Number(db.selectValue("PRAGMA user_version") ?? 0);
    if (version > MICRO_WORLD_SCHEMA_VERSION)
      throw new MicroWorldFileError(
        `The micro-world was written by a newer LuxOS (schema ${version}, this one knows ${MICRO_WORLD_SCHEMA_VERSION}): update LuxOS, then import again.`,
      );
    if (version < 1) throw new MicroWorldFileError("The file holds an SQLite database, but not a being's micro-world (it has no LuxOS schema).");
    const tables = new Set(db.selectValues("SELECT name FROM sqlite_master WHERE type = 'table'").map(String));
    // NOTE: a micro-world from schema 4 on carries its flight recorder; a file that lost it would rebuild no past.
    const missing = [...MICRO_WORLD_TABLES, ...(version >= JOURNAL_SCHEMA_VERSION ? JOURNAL_TABLES : [])].filter((t) => !tables.has(t));
    if (missing.length > 0)
      throw new MicroWorldFileError(`The micro-world lacks its ${missing.join(", ")} table${missing.length > 1 ? "s" : ""}: it is not a being's micro-world.`);
    const count = (table: string) => Number(db.selectValue(`SELECT count(*) FROM ${table}`) ?? 0);
    return {
      bytes: bytes.length,
      schemaVersion: version,
      facts: count("facts"),
      memories: count("memories"),
      outbox: count("outbox"),
      journal: tables.has("journal") ? count("journal") : 0,
    };
  } finally {
    db.close();
  }
}

/**
 * Writes a checked image as the micro-world of `soul` in this browser's OPFS. Refuses to overwrite one that
 * exists (that being lives here already: nothing is lost). Answers what it holds.
 */
export async function writeImage(soul: string, bytes: Uint8Array): Promise<MicroWorldSummary> {
  const summary = await checkImage(bytes);
  if (await storedFile(soul)) {
    throw new MicroWorldError(
      "refused",
      "This browser already holds a micro-world for that being; nothing was overwritten. Import it as a copy (a new soul) instead.",
    );
  }
  const sqlite3 = await loadSqlite();
  if (!sqlite3.oo1.OpfsDb)
    throw new MicroWorldError("no_opfs", "OPFS is not available here (the page must be cross-origin isolated), so the micro-world cannot be stored.");
  try {
    await sqlite3.oo1.OpfsDb.importDb(fileOf(soul), bytes);
  } catch (error) {
    throw classifyStorageError(error);
  }
  return summary;
}

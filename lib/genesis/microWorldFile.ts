/**
 * A being's micro-world (its SQLite file) inside a being file (`micro_world` of `luxos.being/1`):
 *
 * ```json
 * { "format": "sqlite3", "encoding": "base64", "bytes": 24576, "sha256": "<64 hex>", "data": "<base64 of the file>" }
 * ```
 *
 * `data` is the database image (sqlite's serialize of the open database, so it is consistent even while the
 * being runs), at most MAX_MICRO_WORLD_BYTES. Before anything is written, an import checks the length, the
 * hash and the SQLite header here, then the schema and integrity in sqlite itself (workers/being/microWorld.ts).
 */
import { z } from "zod";
import { MAX_MICRO_WORLD_BYTES } from "./constants";

export const MICRO_WORLD_FORMAT = "sqlite3";

export const microWorldSchema = z.strictObject({
  format: z.literal(MICRO_WORLD_FORMAT, { message: `micro_world.format must be "${MICRO_WORLD_FORMAT}"` }),
  encoding: z.literal("base64", { message: 'micro_world.encoding must be "base64"' }),
  bytes: z
    .number()
    .int()
    .min(512, "micro_world is too small to be an SQLite file")
    .max(MAX_MICRO_WORLD_BYTES, `micro_world is larger than ${MAX_MICRO_WORLD_BYTES / 1024 / 1024} MB; share what the being knows through the master instead`),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "micro_world.sha256 is 64 lowercase hex digits"),
  data: z
    .string()
    .max(Math.ceil(MAX_MICRO_WORLD_BYTES / 3) * 4, "micro_world.data is longer than the size limit allows")
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "micro_world.data is not base64"),
});
export type MicroWorldBlob = z.infer<typeof microWorldSchema>;

/** The micro-world in a being file is not a usable SQLite file; the message says what is wrong. */
export class MicroWorldFileError extends Error {
  override readonly name = "MicroWorldFileError";
}

const MAGIC = "SQLite format 3\u0000";

/** What the header says of a database image. */
export interface SqliteHeader {
  readonly pageSize: number;
  readonly pages: number;
}

/**
 * Checks a database image's header (https://sqlite.org/fileformat2.html#the_database_header): the magic string,
 * a valid page size, file format versions, a length that is whole pages, and the page count when the header's is valid.
 */
export function checkSqliteHeader(bytes: Uint8Array): SqliteHeader {
  if (bytes.length > MAX_MICRO_WORLD_BYTES)
    throw new MicroWorldFileError(`The micro-world is ${bytes.length} bytes, over the ${MAX_MICRO_WORLD_BYTES / 1024 / 1024} MB limit.`);
  if (bytes.length < 100 || String.fromCharCode(...bytes.subarray(0, 16)) !== MAGIC)
    throw new MicroWorldFileError("The micro-world is not an SQLite database (its header is missing or wrong).");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  if (pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0)
    throw new MicroWorldFileError(`The micro-world's page size (${raw}) is not valid.`);
  const write = bytes[18]!;
  const read = bytes[19]!;
  if (![1, 2].includes(write) || ![1, 2].includes(read))
    throw new MicroWorldFileError("The micro-world was written in an SQLite file format this browser cannot read.");
  if (bytes.length % pageSize !== 0)
    throw new MicroWorldFileError(`The micro-world is cut short: ${bytes.length} bytes is not a whole number of ${pageSize}-byte pages.`);
  const pages = bytes.length / pageSize;
  const declared = view.getUint32(28);
  // NOTE: the header's page count is valid only when its change counter matches "version-valid-for" (offset 92).
  if (declared !== 0 && view.getUint32(24) === view.getUint32(92) && declared !== pages)
    throw new MicroWorldFileError(`The micro-world is incomplete: its header says ${declared} pages, the file holds ${pages}.`);
  return { pageSize, pages };
}

const CHUNK = 0x8000;

/** Base64 of bytes, in chunks (a 32 MB file would overflow the argument list of one `fromCharCode`). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new MicroWorldFileError("The micro-world's data is not valid base64.");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Packs a database image for a being file (its header checked first: a broken file is never exported). */
export async function encodeMicroWorld(bytes: Uint8Array): Promise<MicroWorldBlob> {
  checkSqliteHeader(bytes);
  return { format: MICRO_WORLD_FORMAT, encoding: "base64", bytes: bytes.length, sha256: await sha256Hex(bytes), data: toBase64(bytes) };
}

/** Unpacks and checks a being file's micro-world: length, hash and header. Throws a MicroWorldFileError that says what is wrong. */
export async function decodeMicroWorld(blob: MicroWorldBlob): Promise<Uint8Array> {
  const bytes = fromBase64(blob.data);
  if (bytes.length !== blob.bytes)
    throw new MicroWorldFileError(`The micro-world should be ${blob.bytes} bytes but holds ${bytes.length}: the file was cut or edited.`);
  if ((await sha256Hex(bytes)) !== blob.sha256) throw new MicroWorldFileError("The micro-world does not match its checksum: the file was damaged or edited.");
  checkSqliteHeader(bytes);
  return bytes;
}

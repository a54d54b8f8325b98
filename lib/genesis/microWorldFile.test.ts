import { describe, expect, it } from "vitest";
import { createRandom } from "../random";
import { MAX_MICRO_WORLD_BYTES } from "./constants";
import { checkSqliteHeader, decodeMicroWorld, encodeMicroWorld, fromBase64, microWorldSchema, MicroWorldFileError, toBase64 } from "./microWorldFile";

/** A database image's shape: the header sqlite writes, then zeroed pages. */
function image(pages: number, pageSize = 4096, declared = pages): Uint8Array {
  const bytes = new Uint8Array(pages * pageSize);
  bytes.set(new TextEncoder().encode("SQLite format 3\u0000"));
  const view = new DataView(bytes.buffer);
  view.setUint16(16, pageSize === 65_536 ? 1 : pageSize);
  bytes[18] = 1;
  bytes[19] = 1;
  view.setUint32(24, 7);
  view.setUint32(28, declared);
  view.setUint32(92, 7);
  return bytes;
}

describe("a being file's micro-world", () => {
  it("round-trips through the file format, checked", async () => {
    const bytes = image(3);
    bytes[5000] = 42;
    const blob = await encodeMicroWorld(bytes);
    expect(microWorldSchema.parse(blob)).toEqual(blob);
    expect(blob).toMatchObject({ format: "sqlite3", encoding: "base64", bytes: 3 * 4096 });
    expect(await decodeMicroWorld(blob)).toEqual(bytes);
  });

  it("refuses what is not an SQLite database, in words", () => {
    expect(() => checkSqliteHeader(new TextEncoder().encode("x".repeat(4096)))).toThrow("is not an SQLite database");
    const badPage = image(1);
    new DataView(badPage.buffer).setUint16(16, 1000);
    expect(() => checkSqliteHeader(badPage)).toThrow("page size (1000) is not valid");
    expect(() => checkSqliteHeader(image(3).subarray(0, 3 * 4096 - 10))).toThrow("cut short");
    expect(() => checkSqliteHeader(image(2, 4096, 5))).toThrow("header says 5 pages, the file holds 2");
    const future = image(1);
    future[18] = 3;
    expect(() => checkSqliteHeader(future)).toThrow("file format");
    expect(() => checkSqliteHeader(new Uint8Array(MAX_MICRO_WORLD_BYTES + 4096))).toThrow("over the 32 MB limit");
  });

  it("catches a file that was cut or edited after export", async () => {
    const blob = await encodeMicroWorld(image(2));
    const edited = fromBase64(blob.data);
    edited[4097] = 1;
    await expect(decodeMicroWorld({ ...blob, data: toBase64(edited) })).rejects.toThrow("does not match its checksum");
    await expect(decodeMicroWorld({ ...blob, data: toBase64(edited.subarray(0, 4096)) })).rejects.toThrow("should be 8192 bytes but holds 4096");
    await expect(decodeMicroWorld({ ...blob, data: "@@@" })).rejects.toBeInstanceOf(MicroWorldFileError);
    expect(microWorldSchema.safeParse({ ...blob, bytes: MAX_MICRO_WORLD_BYTES + 1 }).success).toBe(false);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("base64 round-trips random bytes exactly (seed %i)", (seed) => {
    const random = createRandom(seed);
    const bytes = Uint8Array.from({ length: random.int(0, 100_000) }, () => random.int(0, 255));
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64"));
    expect(Buffer.from(fromBase64(text)).equals(Buffer.from(bytes))).toBe(true);
  });
});

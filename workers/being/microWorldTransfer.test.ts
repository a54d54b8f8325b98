import { afterEach, describe, expect, it } from "vitest";
import { loadSqlite, MICRO_WORLD_SCHEMA_VERSION, MicroWorld } from "./microWorld";
import { checkImage } from "./microWorldTransfer";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const opened: MicroWorld[] = [];
afterEach(() => {
  for (const w of opened.splice(0)) w.close();
});

async function imageOf(setup: (w: MicroWorld) => void): Promise<Uint8Array> {
  const w = await MicroWorld.createInMemory(SOUL);
  opened.push(w);
  setup(w);
  return w.exportImage();
}

/** An image of a plain database built with `sql`. */
async function plainImage(sql: string): Promise<Uint8Array> {
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(":memory:", "c");
  try {
    db.exec(sql);
    return sqlite3.capi.sqlite3_js_db_export(db);
  } finally {
    db.close();
  }
}

describe("moving a micro-world", () => {
  it("an exported micro-world checks out with what it holds", async () => {
    const image = await imageOf((w) => {
      w.learnMany([
        { text: "the river floods in spring", source: "teach", confidence: 0.9 },
        { text: "the bridge is closed at night", source: "teach", confidence: 0.9 },
      ]);
      w.remember("note", "met the ferryman");
    });
    // the flight recorder travels with it: three recorded changes (two facts, a memory)
    expect(await checkImage(image)).toEqual({ bytes: image.length, schemaVersion: MICRO_WORLD_SCHEMA_VERSION, facts: 2, memories: 1, outbox: 2, journal: 3 });
  });

  it("refuses an SQLite file that is not a being's micro-world, or one from a newer LuxOS", async () => {
    await expect(checkImage(await plainImage("CREATE TABLE notes (x)"))).rejects.toThrow("not a being's micro-world (it has no LuxOS schema)");
    await expect(checkImage(await plainImage("CREATE TABLE facts (x); PRAGMA user_version = 2"))).rejects.toThrow(
      /lacks its memories, world_model, outbox, settings, cursors tables/,
    );
    await expect(checkImage(await plainImage("CREATE TABLE facts (x); PRAGMA user_version = 99"))).rejects.toThrow(
      `written by a newer LuxOS (schema 99, this one knows ${MICRO_WORLD_SCHEMA_VERSION})`,
    );
  });

  it("refuses a micro-world of schema 4 or later that lost its flight recorder", async () => {
    const image = await imageOf((w) => w.learn("the tide turns at noon", "teach", 0.9));
    const w = await MicroWorld.openImage(SOUL, image);
    opened.push(w);
    expect(w.journalHistory(5).entries).toBe(1);
    const sqlite3 = await loadSqlite();
    const db = new sqlite3.oo1.DB(":memory:", "c");
    try {
      const copy = sqlite3.wasm.allocFromTypedArray(image);
      sqlite3.capi.sqlite3_deserialize(
        db,
        "main",
        copy,
        image.length,
        image.length,
        sqlite3.capi.SQLITE_DESERIALIZE_FREEONCLOSE | sqlite3.capi.SQLITE_DESERIALIZE_RESIZEABLE,
      );
      db.exec("DROP TABLE journal");
      await expect(checkImage(sqlite3.capi.sqlite3_js_db_export(db))).rejects.toThrow("lacks its journal table");
    } finally {
      db.close();
    }
  });

  it("refuses a damaged file in words", async () => {
    const image = await imageOf((w) =>
      w.learnMany(Array.from({ length: 200 }, (_, i) => ({ text: `fact number ${i} about the valley`, source: "teach", confidence: 0.8 }))),
    );
    const damaged = image.slice();
    // Scribble over the second page onwards (the schema and the tables' b-trees), keeping the header intact.
    for (let i = 4096; i < damaged.length; i += 7) damaged[i] = 0xa5;
    await expect(checkImage(damaged)).rejects.toThrow("The micro-world is damaged: SQLITE_CORRUPT");
    await expect(checkImage(new TextEncoder().encode("just some text, not a database".padEnd(4096, "!")))).rejects.toThrow("is not an SQLite database");
  });
});

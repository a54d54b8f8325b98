import { isDeepStrictEqual } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { seededRandomBytes } from "../../lib/events";
import { createRandom, type Random } from "../../lib/random";
import { loadSqlite, MICRO_WORLD_MIGRATIONS, MICRO_WORLD_SCHEMA_VERSION, MicroWorld, MicroWorldError } from "./microWorld";
import { JOURNALED_TABLE_NAMES } from "./microJournal";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const opened: MicroWorld[] = [];
afterEach(() => {
  for (const w of opened.splice(0)) w.close();
});

type State = ReturnType<MicroWorld["recordedState"]>;

/** A micro-world on a hand-moved clock, so every commit's moment is known. */
async function clocked(seed: number) {
  const clock = { t: 1_760_000_000_000 };
  const world = await MicroWorld.createInMemory(SOUL, { now: () => new Date(clock.t), randomBytes: seededRandomBytes(seed) });
  opened.push(world);
  return { world, clock };
}

/** One random local write of the kinds a being makes: facts taught or pulled, memories, the world model, acknowledgements. */
function randomWrite(world: MicroWorld, rng: Random, step: number): void {
  switch (rng.int(0, 5)) {
    case 0:
      world.learnMany(
        Array.from({ length: rng.int(1, 3) }, (_, i) => ({ text: `fact ${step}.${i} ${rng.int(0, 9)}`, source: "teach", confidence: rng.next() })),
      );
      return;
    case 1: {
      // pulled facts: a repeat of an earlier master fact updates its confidence
      const fact = `0190f1e2-7c3a-7b4d-9e5f-${String(rng.int(0, 6)).padStart(12, "0")}`;
      world.absorb(
        [{ fact, text: `pulled ${fact.slice(-1)}`, confidence: rng.next(), corroboration: 1, sources: ["someone"], updated_at: new Date().toISOString() }],
        null,
      );
      return;
    }
    case 2:
      world.remember(rng.pick(["plan", "lux", "notify"]), `memory ${step}`, rng.bool() ? { step, nested: { ok: rng.bool() } } : undefined);
      return;
    case 3:
      world.setWorld(`key${rng.int(0, 3)}`, { expected: rng.int(0, 2), observed: rng.bool() ? rng.int(0, 2) : undefined, observed_at: step });
      return;
    case 4: {
      // the master acknowledges some events: facts flip `synced`, which is bookkeeping, not knowledge
      const ids = world.peek(3, Number.MAX_SAFE_INTEGER).map((e) => e.id);
      world.acknowledge(ids);
      return;
    }
    default:
      world.write(() => {
        world.remember("step", `several writes in one commit ${step}`);
        world.setWorld("busy", { observed: step });
      });
  }
}

/** The recorded tables without `synced` (not recorded on its own), comparable with toEqual. */
function comparable(state: State): Record<string, [number, unknown[]][]> {
  return Object.fromEntries(
    Object.entries(state).map(([table, rows]) => [table, [...rows].map(([id, row]) => [id, table === "facts" ? row.filter((_, i) => i !== 5) : row])]),
  );
}

function stateAt(world: MicroWorld, at: number): Record<string, [number, unknown[]][]> {
  const past = world.pastAt(at);
  return comparable(Object.fromEntries(JOURNALED_TABLE_NAMES.map((t) => [t, past.rows(t) ?? new Map()])));
}

/** Runs `steps` random writes, keeping the real state at random moments (the last commit of each moment). */
function script(world: MicroWorld, clock: { t: number }, rng: Random, steps: number, from = 0) {
  const recorded: { at: number; state: Record<string, [number, unknown[]][]> }[] = [];
  for (let i = from; i < from + steps; i++) {
    randomWrite(world, rng, i);
    // NOTE: a step of 0 ms keeps several commits in one moment; the state of a moment is the one after its last commit.
    const advance = rng.pick([0, 0, 1, 7, 40]);
    if (advance > 0 && rng.bool(0.4)) recorded.push({ at: clock.t, state: comparable(world.recordedState()) });
    clock.t += advance;
  }
  return recorded;
}

describe("the micro-world's flight recorder", () => {
  it.each(Array.from({ length: 25 }, (_, i) => i + 1))(
    "seed %i: every recorded moment rebuilds exactly; restore goes back and keeps the history",
    async (seed) => {
      const rng = createRandom(seed * 104_729);
      const { world, clock } = await clocked(seed);
      const empty = clock.t - 1;
      clock.t += 5;
      const recorded = script(world, clock, rng, 120);
      expect(recorded.length).toBeGreaterThan(5);
      for (const { at, state } of recorded) expect(stateAt(world, at), `moment ${at}`).toEqual(state);
      expect(stateAt(world, empty)).toEqual({ facts: [], memories: [], world_model: [] });

      // restore to a random moment: now equals it, the restore is itself a recorded moment, and every moment still rebuilds
      const target = rng.pick(recorded);
      const before = comparable(world.recordedState());
      const beforeAt = clock.t;
      clock.t += 10;
      const restored = world.restoreTo(target.at);
      expect(restored.restoredAt).toBe(clock.t);
      expect(comparable(world.recordedState())).toEqual(target.state);
      expect(world.factCount).toBe(target.state["facts"]!.length);
      for (const { at, state } of recorded) expect(stateAt(world, at), `moment ${at} after the restore`).toEqual(state);
      expect(stateAt(world, beforeAt)).toEqual(before);
      // NOTE: restoring to a moment equal to now changes nothing, so it records nothing.
      if (!isDeepStrictEqual(target.state, before)) expect(world.journalHistory(1).moments[0]).toMatchObject({ at: clock.t });

      // and life goes on after it: more writes, then undo the restore itself
      clock.t += 3;
      const later = script(world, clock, rng, 40, 1_000);
      for (const { at, state } of later) expect(stateAt(world, at)).toEqual(state);
      clock.t += 10;
      world.restoreTo(beforeAt);
      expect(comparable(world.recordedState())).toEqual(before);
    },
  );

  it.each([3, 11, 29])("seed %i: pruning moves each table's floor; moments after it still rebuild, earlier ones are refused", async (seed) => {
    const rng = createRandom(seed);
    const { world, clock } = await clocked(seed);
    clock.t += 5;
    const recorded = script(world, clock, rng, 200);
    const dropped = world.pruneJournal({ maxEntriesPerTable: 15, maxAgeMs: 1e12 });
    expect(dropped).toBeGreaterThan(0);
    const { floors, entries } = world.journalHistory(10);
    expect(entries).toBeLessThanOrEqual(15 * JOURNALED_TABLE_NAMES.length);
    const lastFloor = Math.max(...Object.values(floors));
    const firstFloor = Math.min(...Object.values(floors));
    let checked = 0;
    for (const { at, state } of recorded) {
      if (at >= lastFloor) {
        expect(stateAt(world, at), `moment ${at}`).toEqual(state);
        checked += 1;
      } else if (at < firstFloor) {
        expect(() => world.pastAt(at)).toThrow(/history starts at/);
      } else {
        // between floors: the tables that reach back are exact, the others are said to be missing
        const past = world.pastAt(at);
        for (const t of JOURNALED_TABLE_NAMES) {
          if (floors[t]! > at) expect(past.unavailable.get(t)).toBe(floors[t]);
          else expect(comparable({ [t]: past.rows(t)! })[t]).toEqual(state[t]);
        }
        expect(() => world.restoreTo(at)).toThrow(MicroWorldError);
      }
    }
    expect(checked).toBeGreaterThan(0);

    // pruning by age: everything older than the bound goes, the newest moment stays rebuildable
    clock.t += 1_000;
    world.pruneJournal({ maxEntriesPerTable: 1_000, maxAgeMs: 500 });
    expect(world.journalHistory(10).entries).toBe(0);
    expect(stateAt(world, clock.t)).toEqual(comparable(world.recordedState()));
  });

  it("records the trace of the work and answers read-only queries over a moment", async () => {
    const { world, clock } = await clocked(7);
    world.learn("the sea is salty", "teach", 0.9);
    const first = clock.t;
    clock.t += 100;
    world.trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    world.learn("the river is fresh", "lux", 0.8);
    world.trace = null;
    const history = world.journalHistory(10);
    expect(history.moments.map((m) => m.trace)).toEqual(["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null]);
    expect(world.pastAt(first).query("SELECT text FROM facts").rows).toEqual([["the sea is salty"]]);
    expect(() => world.pastAt(first).query("SELECT * FROM outbox")).toThrow(/no such table/);
    expect(() => world.pastAt(first).query("DELETE FROM facts")).toThrow(MicroWorldError);
    const moment = world.momentAt(first);
    const facts = moment.tables.find((t) => t.name === "facts")!;
    expect(facts).toMatchObject({ available: true, total: 1, nowTotal: 2, removed: [] });
    expect(facts.added.map((r) => r[1])).toEqual(["the river is fresh"]);
    // the live micro-world was never touched by the rebuild
    expect(world.counts().facts).toBe(2);
  });

  it("migrates an older micro-world: its rows predate the recorder, so its history starts at the migration", async () => {
    const sqlite3 = await loadSqlite();
    const db = new sqlite3.oo1.DB(":memory:", "c");
    let image: Uint8Array;
    try {
      // a schema-3 micro-world as the previous build left it, with a fact and a memory
      for (const [v, sql] of MICRO_WORLD_MIGRATIONS.slice(0, 3).entries()) db.exec(`${sql}; PRAGMA user_version = ${v + 1}`);
      db.exec({
        sql: "INSERT INTO facts(text, embedding, source, confidence, learned_at, synced) VALUES ('the old oak fell', ?, 'teach', 0.9, 1, 1)",
        bind: [new Uint8Array(16)],
      });
      db.exec("INSERT INTO memories(at, kind, text) VALUES (1, 'note', 'an old note')");
      image = sqlite3.capi.sqlite3_js_db_export(db);
    } finally {
      db.close();
    }
    const opened_at = Date.now();
    const { world, clock } = await clocked(5);
    world.close();
    const old = await MicroWorld.openImage(SOUL, image, { now: () => new Date(clock.t), randomBytes: seededRandomBytes(5) });
    opened.push(old);
    expect(old.query("PRAGMA user_version").rows[0]![0]).toBe(MICRO_WORLD_SCHEMA_VERSION);
    const { floors, entries } = old.journalHistory(5);
    expect(entries).toBe(0);
    // facts and memories held rows before the recorder: their history starts at the migration; the empty world model's at 0
    expect(floors["facts"]).toBeGreaterThanOrEqual(opened_at);
    expect(floors["memories"]).toBeGreaterThanOrEqual(opened_at);
    expect(floors["world_model"]).toBe(0);
    expect(() => old.pastAt(opened_at - 1_000)).not.toThrow();
    expect(old.pastAt(opened_at - 1_000).unavailable.has("facts")).toBe(true);
    // from now on it records
    clock.t = Date.now() + 10;
    old.learn("a new sapling", "teach", 0.8);
    const moment = old.momentAt(clock.t - 1);
    expect(moment.tables.find((t) => t.name === "facts")).toMatchObject({ available: true, total: 1, nowTotal: 2 });
  });
});

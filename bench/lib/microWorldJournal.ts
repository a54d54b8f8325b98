/**
 * The micro-world flight recorder's cost (issue 9), in Node with the real sqlite-wasm the being worker runs
 * (in memory: OPFS is the browser's, and its round trips would hide the triggers' own cost):
 * - write overhead: the being's local writes — Teach batches of 50 facts (`learnMany`), single memories
 *   (`remember`), world-model upserts (`setWorld`) — into a micro-world with its recorder, against a copy of the
 *   same micro-world whose journal triggers were dropped, alternating batch by batch. Both still set the journal's
 *   clock row once per commit, so the ratio is the triggers' cost (rows written to the journal), not the clock's.
 * - rebuild: a micro-world with `history` recorded changes (half facts, half memories: the per-table bound), then
 *   `pastAt(moment)` at random recorded moments, each from scratch (image copy + undo), and at the oldest moment.
 */
import { loadSqlite, MicroWorld } from "../../workers/being/microWorld";
import { createRandom } from "../../lib/random";
import { quantile } from "./stats";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";

/** A fresh micro-world, and an image copy of it with the recorder's triggers dropped (the baseline). */
async function pair(): Promise<{ on: MicroWorld; off: MicroWorld }> {
  const on = await MicroWorld.createInMemory(SOUL);
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(":memory:", "c");
  try {
    const image = on.exportImage();
    const copy = sqlite3.wasm.allocFromTypedArray(image);
    const { capi } = sqlite3;
    capi.sqlite3_deserialize(db, "main", copy, image.length, image.length, capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_RESIZEABLE);
    for (const name of db.selectValues("SELECT name FROM sqlite_schema WHERE type = 'trigger'").map(String)) db.exec(`DROP TRIGGER "${name}"`);
    return { on, off: await MicroWorld.openImage(SOUL, capi.sqlite3_js_db_export(db)) };
  } finally {
    db.close();
  }
}

/** One batch of a being's local writes: 10 Teach commits of 50 facts, 200 memories, 200 world-model upserts. */
function batch(world: MicroWorld, n: number): number {
  const t = performance.now();
  for (let c = 0; c < 10; c++)
    world.learnMany(Array.from({ length: 50 }, (_, i) => ({ text: `fact ${n}.${c}.${i} about the valley and the river`, source: "teach", confidence: 0.8 })));
  for (let i = 0; i < 200; i++) world.remember("plan", `planned step ${n}.${i}`, { step: i });
  for (let i = 0; i < 200; i++) world.setWorld(`key${i % 20}`, { expected: i, observed: n, observed_at: i });
  return performance.now() - t;
}

export async function benchMicroWorldJournal(options: { batches: number; history: number; samples: number }, log: (m: string) => void) {
  const { on, off } = await pair();
  const times: { on: number[]; off: number[] } = { on: [], off: [] };
  try {
    batch(on, -1);
    batch(off, -1);
    for (let b = 0; b < options.batches; b++) {
      // NOTE: alternating which side goes first, so neither always runs on a warmer heap.
      const order = b % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
      for (const side of order) times[side].push(batch(side === "on" ? on : off, b));
    }
  } finally {
    on.close();
    off.close();
  }
  const ratio = quantile(times.on, 0.5) / quantile(times.off, 0.5);
  log(
    `micro-world writes: ${quantile(times.on, 0.5).toFixed(1)} ms a batch recorded, ${quantile(times.off, 0.5).toFixed(1)} ms without (×${ratio.toFixed(2)})`,
  );

  const world = await MicroWorld.createInMemory(SOUL);
  try {
    const per = Math.round(options.history / 2);
    for (let i = 0; i < per; i += 50)
      world.learnMany(
        Array.from({ length: Math.min(50, per - i) }, (_, k) => ({ text: `history fact ${i + k} of the flood plain`, source: "teach", confidence: 0.7 })),
      );
    for (let i = 0; i < per; i++) world.remember("plan", `history memory ${i}`);
    const { moments, entries } = world.journalHistory(1_000_000);
    const rng = createRandom(7);
    const samples: number[] = [];
    for (let s = 0; s < options.samples; s++) {
      const at = rng.pick(moments).at - 1;
      const t = performance.now();
      world.pastAt(at).close();
      samples.push(performance.now() - t);
    }
    const oldest = moments.at(-1)!.at - 1;
    const t = performance.now();
    const past = world.pastAt(oldest);
    const oldestMs = performance.now() - t;
    log(`micro-world rebuild over ${entries} recorded changes: p50 ${quantile(samples, 0.5).toFixed(1)} ms, oldest moment ${oldestMs.toFixed(1)} ms`);
    past.close();
    return {
      micro_world_journal_write_overhead_ratio: ratio,
      micro_world_write_batch_recorded_ms: quantile(times.on, 0.5),
      micro_world_write_batch_unrecorded_ms: quantile(times.off, 0.5),
      micro_world_rebuild_ms: quantile(samples, 0.5),
      micro_world_rebuild_p95_ms: quantile(samples, 0.95),
      micro_world_rebuild_oldest_ms: oldestMs,
      micro_world_rebuild_history_changes: entries,
      micro_world_image_bytes: world.exportImage().byteLength,
    };
  } finally {
    world.close();
  }
}

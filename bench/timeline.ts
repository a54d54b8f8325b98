/**
 * Timeline benchmark: `npm run bench -- timeline` → bench/results/timeline.json (issue 9 §8).
 *
 * In one fresh embedded PGlite (temp dataDir, removed afterwards):
 * 1. Replay: one being changed BENCH_REPLAY_CHANGES times (100k), each change its own transaction through the
 *    journal trigger; the janitor's checkpoint snapshots it every SNAPSHOT_EVERY entries. Then
 *    `timeTravel.beingAt` at BENCH_SAMPLES random moments (`replay_100k_events_ms`, the p50), against the
 *    same rebuild without snapshots (every entry from the first) as the baseline measured in this run.
 * 2. Query: BENCH_EVENTS (1M) events written into the log in bulk SQL (1,000 beings, 50 rooms, 8 types,
 *    a trace per ~4 events, 30 days), then the timeline's own queries (`timeline.query`: first page, by being,
 *    by type, by type family, by room, by trace, by being and time range, a second page) round robin
 *    (`timeline_query_p50_ms`), against the raw `ORDER BY seq DESC LIMIT` page of the same table.
 * 3. Journal cost: the same writes with the journal on and off (`luxos.journal`), alternating batch by batch:
 *    `beings.createMany`, `knowledge.push` (facts are beings, with `learned` relationships), single `beings.update`
 *    calls, single updates in a branch (copy-on-write versions, journaled since migration 0012) and
 *    `relationships.createMany` (the relationship journal).
 * 4. The micro-world's flight recorder (bench/lib/microWorldJournal.ts): its cost on a being's local writes
 *    (`micro_world_journal_write_overhead_ratio`) and a rebuild over BENCH_MICRO_HISTORY recorded changes
 *    (`micro_world_rebuild_ms`). BENCH_TIMELINE_ONLY=micro_world runs this part alone and keeps the other figures
 *    of the last full run in the results file.
 * See bench/README.md.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashEmbed } from "../lib/embed";
import { knowledgePushSchema } from "../lib/knowledge/contract";
import { createRandom } from "../lib/random";
import { branchForkSchema } from "../lib/branches/schemas";
import { beingCreateSchema, beingUpdateSchema, relationshipCreateSchema } from "../lib/schemas";
import { SNAPSHOT_EVERY } from "../lib/timeline/constants";
import type { MasterStore } from "../server/db/store";
import { envNumber } from "./lib/env";
import { factTexts } from "./lib/factText";
import { benchMicroWorldJournal } from "./lib/microWorldJournal";
import { withScratchStore } from "./lib/scratchStore";
import { fmtSeconds, judge, machine, quantile, round, type Goal } from "./lib/stats";

function config() {
  return {
    replayChanges: Math.round(envNumber("BENCH_REPLAY_CHANGES", 100_000)),
    events: Math.round(envNumber("BENCH_EVENTS", 1_000_000)),
    samples: Math.round(envNumber("BENCH_SAMPLES", 100)),
    warmup: Math.round(envNumber("BENCH_WARMUP", 10)),
    costBatches: Math.round(envNumber("BENCH_COST_BATCHES", 10)),
    microBatches: Math.round(envNumber("BENCH_MICRO_BATCHES", 20)),
    // NOTE: the journal's per-table bound (JOURNAL_MAX_ENTRIES_PER_TABLE) times the two tables written: the longest replay a being can ask for.
    microHistory: Math.round(envNumber("BENCH_MICRO_HISTORY", 40_000)),
    only: process.env["BENCH_TIMELINE_ONLY"] === "micro_world" ? ("micro_world" as const) : null,
    out: process.env["BENCH_OUT"] || fileURLToPath(new URL("./results/timeline.json", import.meta.url)),
  };
}
type Config = ReturnType<typeof config>;
type Log = (message: string) => void;

const GOALS: Record<string, Goal> = {
  replay_100k_events_ms: { op: "<=", value: 200 },
  timeline_query_p50_ms: { op: "<=", value: 20 },
};

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

const journal = (store: MasterStore, on: boolean) => store.sql.query("SELECT set_config('luxos.journal', $1, false)", [on ? "on" : "off"]);

async function replay(store: MasterStore, cfg: Config, log: Log) {
  const being = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Chronicle" }, attributes: { step: 0 } }));
  // NOTE: a procedure that commits after each change, so each is its own transaction as it would be through the API.
  await store.sql.exec(`CREATE PROCEDURE bench_churn(target uuid, n int) LANGUAGE plpgsql AS $$
    BEGIN
      FOR i IN 1..n LOOP
        UPDATE base_beings SET energy_level = i, attributes = attributes || jsonb_build_object('step', i, 'k' || (i % 40), md5(i::text)),
          updated_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE soul = target;
        COMMIT;
      END LOOP;
    END $$`);
  const [, churnMs] = await timed(() => store.sql.exec(`CALL bench_churn('${being.soul}', ${cfg.replayChanges})`));
  log(`${cfg.replayChanges} changes of one being journaled in ${fmtSeconds(churnMs)}`);
  const [range] = await store.sql.query<{ lo: number; hi: number; n: number }>(
    "SELECT min(seq)::float8 AS lo, max(seq)::float8 AS hi, count(*)::int AS n FROM being_journal WHERE soul = $1",
    [being.soul],
  );
  const rng = createRandom(9);
  const moments = Array.from({ length: cfg.samples + cfg.warmup }, () => rng.int(range!.lo, range!.hi));

  const without: number[] = [];
  for (const [i, seq] of moments.slice(0, Math.min(20, cfg.samples) + 2).entries()) {
    const [, ms] = await timed(() => store.timeTravel.beingAt(being.soul, "main", { seq }));
    if (i >= 2) without.push(ms);
  }
  log(`without snapshots: p50 ${quantile(without, 0.5).toFixed(1)} ms`);

  const [written, checkpointMs] = await timed(() => store.timeTravel.checkpoint(new Date(Date.now() + 3_600_000)));
  log(`checkpoint wrote ${written} snapshots in ${fmtSeconds(checkpointMs)}`);
  const withSnapshots: number[] = [];
  const replayed: number[] = [];
  for (const [i, seq] of moments.entries()) {
    const [at, ms] = await timed(() => store.timeTravel.beingAt(being.soul, "main", { seq }));
    if (at.being?.energy_level !== seq - range!.lo) throw new Error(`replay to seq ${seq} answered energy ${at.being?.energy_level}, not ${seq - range!.lo}`);
    if (i >= cfg.warmup) {
      withSnapshots.push(ms);
      replayed.push(at.replayed);
    }
  }
  const p50 = quantile(withSnapshots, 0.5);
  log(`with snapshots: p50 ${p50.toFixed(1)} ms, p95 ${quantile(withSnapshots, 0.95).toFixed(1)} ms`);
  return {
    metrics: {
      replay_100k_events_ms: p50,
      replay_p95_ms: quantile(withSnapshots, 0.95),
      replay_without_snapshots_p50_ms: quantile(without, 0.5),
      replay_snapshot_speedup: quantile(without, 0.5) / p50,
      replay_entries_applied_max: Math.max(...replayed),
      journal_entries: range!.n,
      journal_writes_per_s: cfg.replayChanges / (churnMs / 1000),
      checkpoint_s: checkpointMs / 1000,
      snapshots: written,
    },
  };
}

const TYPES = ["being.decision", "being.state", "being.message", "lux.step", "sandbox.call", "system.signal", "knowledge.learned", "master.write"];

async function query(store: MasterStore, cfg: Config, log: Log) {
  const chunk = 100_000;
  const t0 = performance.now();
  for (let done = 0; done < cfg.events; done += chunk) {
    const n = Math.min(chunk, cfg.events - done);
    // Souls and rooms are derived from numbers so the queries below can name them; time rises with seq over 30 days.
    await store.sql.query(
      `INSERT INTO events (id, type, source, subject, room, branch, time, traceid, envelope)
       SELECT id, type, source, NULL, room, branch, time, traceid,
         jsonb_build_object('id', id, 'specversion', '1.0', 'envelopeversion', 1, 'type', type, 'source', source, 'time', to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'branch', branch, 'traceid', traceid, 'spanid', substr(md5(id::text), 1, 16), 'data', jsonb_build_object('note', 'event ' || g, 'confidence', 0.5))
       FROM (
         SELECT g, gen_random_uuid() AS id, ($3::text[])[1 + g % 8] AS type,
           '00000000-0000-4000-8000-' || lpad((g % 1000)::text, 12, '0') AS source,
           CASE WHEN g % 10 = 0 THEN 'room:00000000-0000-4000-9000-' || lpad((g % 50)::text, 12, '0') END AS room,
           CASE WHEN g % 20 = 0 THEN 'exp-' || (g % 3) ELSE 'main' END AS branch,
           timestamptz '2026-01-01' + (g * (30 * 86400.0 / $4)) * interval '1 second' AS time,
           md5('trace' || (g / 4)) AS traceid
         FROM generate_series($1::int, $2::int) AS g) x`,
      [done + 1, done + n, TYPES, cfg.events],
    );
  }
  log(`${cfg.events} events written in ${fmtSeconds(performance.now() - t0)}`);
  await store.sql.exec("VACUUM (ANALYZE) events");

  const rng = createRandom(3);
  const soul = () => `00000000-0000-4000-8000-${String(rng.int(0, 999)).padStart(12, "0")}`;
  const day = () => new Date(Date.parse("2026-01-01") + rng.int(0, 28) * 86_400_000);
  const kinds: Record<string, () => Promise<unknown>> = {
    first_page: () => store.timeline.query({}, { limit: 50 }),
    by_being: () => store.timeline.query({ being: soul() }, { limit: 50 }),
    by_type: () => store.timeline.query({ type: rng.pick(TYPES) }, { limit: 50 }),
    by_type_family: () => store.timeline.query({ type: "being.*" }, { limit: 50 }),
    by_room: () => store.timeline.query({ room: `00000000-0000-4000-9000-${String(rng.int(0, 49)).padStart(12, "0")}` }, { limit: 50 }),
    by_trace: () => store.timeline.trace(md5Hex(`trace${rng.int(0, cfg.events / 4 - 1)}`)),
    being_in_time_range: () => {
      const from = day();
      return store.timeline.query({ being: soul(), from: from.toISOString(), to: new Date(from.getTime() + 2 * 86_400_000).toISOString() }, { limit: 50 });
    },
    second_page: async () => {
      const first = await store.timeline.query({ being: soul() }, { limit: 50 });
      return store.timeline.query({ being: soul() }, { before: first.next_before ?? undefined, limit: 50 });
    },
  };
  const per: Record<string, number[]> = {};
  const all: number[] = [];
  const raw: number[] = [];
  const names = Object.keys(kinds);
  for (let i = 0; i < (cfg.samples + cfg.warmup) * names.length; i++) {
    const name = names[i % names.length]!;
    const [, ms] = await timed(kinds[name]!);
    const [, rawMs] = await timed(() => store.sql.query("SELECT seq, envelope FROM events ORDER BY seq DESC LIMIT 50"));
    if (i < cfg.warmup * names.length) continue;
    (per[name] ??= []).push(ms);
    all.push(ms);
    raw.push(rawMs);
  }
  const p50 = quantile(all, 0.5);
  log(
    `timeline queries at ${cfg.events} events: p50 ${p50.toFixed(2)} ms, p95 ${quantile(all, 0.95).toFixed(2)} ms (raw page p50 ${quantile(raw, 0.5).toFixed(2)} ms)`,
  );
  return {
    metrics: {
      timeline_query_p50_ms: p50,
      timeline_query_p95_ms: quantile(all, 0.95),
      raw_page_p50_ms: quantile(raw, 0.5),
      query_vs_raw_ratio: p50 / quantile(raw, 0.5),
      ...Object.fromEntries(Object.entries(per).map(([k, v]) => [`query_${k}_p50_ms`, quantile(v, 0.5)])),
    },
  };
}

/** The traces above are md5('trace' || n) in SQL; node:crypto gives the same digest. */
const md5Hex = (text: string) => createHash("md5").update(text).digest("hex");

async function journalCost(store: MasterStore, cfg: Config, log: Log) {
  const rng = createRandom(21);
  const results: Record<string, { on: number[]; off: number[] }> = {
    create_many: { on: [], off: [] },
    facts: { on: [], off: [] },
    update: { on: [], off: [] },
    branch_update: { on: [], off: [] },
    relationships: { on: [], off: [] },
  };
  const texts = factTexts(cfg.costBatches * 2 * 500, 77);
  const source = (await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Teacher" } }))).soul;
  const targets = await store.beings.createMany(Array.from({ length: 200 }, (_, i) => beingCreateSchema.parse({ genesis: { name: `target-${i}` } })));
  const branch = (await store.branches.fork(branchForkSchema.parse({ name: "Cost of versions" }), null)).id;
  let t = 0;
  for (let b = 0; b < cfg.costBatches * 2; b++) {
    // NOTE: on and off alternate batch by batch (on, off, off, on, …) so neither side gets the warmer cache or the later, bigger tables.
    const on = [0, 3].includes(b % 4);
    await journal(store, on);
    const side = on ? "on" : "off";
    const beings = Array.from({ length: 5_000 }, (_, i) =>
      beingCreateSchema.parse({
        genesis: { name: `b-${b}-${i}` },
        tags: [rng.pick(["a", "b", "c"])],
        energy_level: rng.int(0, 99),
        attributes: { kind: rng.int(0, 7), grp: `g${rng.int(0, 19)}` },
      }),
    );
    const [, createMs] = await timed(() => store.beings.createMany(beings));
    results["create_many"]![side].push(beings.length / (createMs / 1000));
    const facts = knowledgePushSchema.parse({
      facts: texts
        .slice(t, (t += 500))
        .map((text) => ({ id: crypto.randomUUID(), text, embedding: Array.from(hashEmbed(text)), source, branch: "main", confidence: 0.8 })),
    }).facts;
    const [, factMs] = await timed(() => store.knowledge.push(facts));
    results["facts"]![side].push(facts.length / (factMs / 1000));
    const [, updateMs] = await timed(async () => {
      for (let i = 0; i < 200; i++)
        await store.beings.update(beingUpdateSchema.parse({ soul: targets[i]!, energy_level: rng.int(0, 99), attributes: { n: i } }));
    });
    results["update"]![side].push(200 / (updateMs / 1000));
    // The first write of a being in the branch copies it (an insert), later ones change the version (an update).
    const [, branchMs] = await timed(async () => {
      for (let i = 0; i < 200; i++)
        await store.beings.update(beingUpdateSchema.parse({ soul: targets[i]!, branch, energy_level: rng.int(0, 99), attributes: { n: i } }));
    });
    results["branch_update"]![side].push(200 / (branchMs / 1000));
    const edges = Array.from({ length: 2_000 }, () =>
      relationshipCreateSchema.parse({
        source_soul: rng.pick(targets),
        target_soul: rng.pick(targets),
        tags: [rng.pick(["knows", "likes"])],
        energy_level: rng.int(0, 9),
      }),
    );
    const [, relMs] = await timed(() => store.relationships.createMany(edges));
    results["relationships"]![side].push(edges.length / (relMs / 1000));
  }
  await journal(store, true);
  const metrics: Record<string, number> = {};
  for (const [name, { on, off }] of Object.entries(results)) {
    const a = quantile(on, 0.5);
    const b = quantile(off, 0.5);
    metrics[`${name}_journal_on_per_s`] = a;
    metrics[`${name}_journal_off_per_s`] = b;
    metrics[`${name}_journal_cost_pct`] = (1 - a / b) * 100;
    log(`${name}: ${a.toFixed(0)}/s with the journal, ${b.toFixed(0)}/s without (${((1 - a / b) * 100).toFixed(1)}% cost)`);
  }
  return { metrics };
}

async function bench(store: MasterStore, cfg: Config, log: Log) {
  const cost = await journalCost(store, cfg, log);
  const r = await replay(store, cfg, log);
  const q = await query(store, cfg, log);
  return { metrics: { ...r.metrics, ...q.metrics, ...cost.metrics } };
}

/** The micro-world part alone, merged into the last full run's results (so its other figures stay). */
async function runMicroOnly(cfg: Config): Promise<void> {
  const started = performance.now();
  const micro = await benchMicroWorldJournal({ batches: cfg.microBatches, history: cfg.microHistory, samples: cfg.samples }, (m) => console.log(m));
  let doc: Record<string, unknown> = {};
  try {
    doc = JSON.parse(await readFile(cfg.out, "utf8")) as Record<string, unknown>;
  } catch {
    doc = {};
  }
  const metrics = { ...(doc["metrics"] as Record<string, number> | undefined), ...judge(micro, {}).metrics };
  const { metrics: _m, goals, ...rest } = doc;
  const out = {
    metrics,
    goals: goals ?? judge(metrics, GOALS).goals,
    ...rest,
    micro_world: {
      date: new Date().toISOString(),
      machine: machine(),
      batches: cfg.microBatches,
      history: cfg.microHistory,
      total_s: round((performance.now() - started) / 1000),
    },
  };
  await mkdir(path.dirname(cfg.out), { recursive: true });
  await writeFile(cfg.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(judge(micro, {}).metrics, null, 2));
  console.log(`written to ${cfg.out}`);
}

export async function run(): Promise<void> {
  const cfg = config();
  if (cfg.only === "micro_world") return runMicroOnly(cfg);
  const started = performance.now();
  console.log(`timeline bench: replay over ${cfg.replayChanges} changes (snapshot every ${SNAPSHOT_EVERY}), queries at ${cfg.events} events`);
  const log: Log = (m) => console.log(`[pglite ${fmtSeconds(performance.now() - started)}] ${m}`);
  const micro = await benchMicroWorldJournal({ batches: cfg.microBatches, history: cfg.microHistory, samples: cfg.samples }, log);
  const result = await withScratchStore({ kind: "pglite" }, (store) => bench(store, cfg, log));
  Object.assign(result.metrics, micro);
  const { metrics, goals } = judge(result.metrics, GOALS);
  const { out: _out, ...shownConfig } = cfg;
  const doc = {
    metrics,
    goals,
    date: new Date().toISOString(),
    machine: machine(),
    config: { ...shownConfig, snapshot_every: SNAPSHOT_EVERY },
    timings_s: { total_s: round((performance.now() - started) / 1000) },
    backends: { pglite: { database: result.database } },
  };
  await mkdir(path.dirname(cfg.out), { recursive: true });
  await writeFile(cfg.out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(JSON.stringify({ metrics, goals }, null, 2));
  console.log(`written to ${cfg.out}`);
}

/**
 * Knowledge benchmark: `npm run bench -- knowledge` → bench/results/knowledge.json (issue 5 §6).
 *
 * In one fresh embedded PGlite (temp dataDir, removed afterwards), in this order:
 * 1. Ingest: plain events (decisions, messages, state changes of 100 beings) as a being's sync loop sends
 *    them, `events.push` batches of BENCH_EVENT_BATCH over HTTP to the real API handler, alternating batch by
 *    batch with a multi-row `INSERT ... VALUES` of an equal second set into `bench_raw_events`
 *    (`LIKE events INCLUDING ALL`: same columns and indexes) in the same database.
 * 2. Learned facts over the same HTTP path (`knowledge.learned` events), which search for near-duplicates.
 * 3. Facts up to BENCH_FACTS: BENCH_PUSH_FACTS through `store.knowledge.push` (batches of BENCH_FACT_BATCH), the rest
 *    as the same rows in bulk INSERTs with the HNSW index dropped and rebuilt; then the store's maintenance.
 * 4. Ask: BENCH_SAMPLES questions through `store.knowledge.search` (k = 10; HNSW), the same through an exact
 *    scan (the index switched off), recall@10 of the first against the second; and `knowledge.ask` through
 *    tRPC with the deterministic reasoner composing the answer.
 * See bench/README.md for the method and knobs.
 */
import { createServer, type Server } from "node:http";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashEmbed } from "../lib/embed";
import { createEvent, type EventEnvelope } from "../lib/events";
import { ASK_EF_SEARCH } from "../lib/knowledge/constants";
import { knowledgeAskSchema, knowledgePushSchema, LEARNED_EVENT_TYPE, type EventsPushOutput, type FactInput } from "../lib/knowledge/contract";
import { beingCreateSchema } from "../lib/schemas";
import { createApiHandler } from "../server/http/apiHandler";
import { createCaller } from "../server/root";
import type { SqlDriver, SqlExecutor } from "../server/db/driver";
import type { MasterStore } from "../server/db/store";
import { createContext } from "../server/trpc";
import { envNumber } from "./lib/env";
import { factTexts, questionAbout } from "./lib/factText";
import { explain, planSummary } from "./lib/plans";
import { withScratchStore } from "./lib/scratchStore";
import { fmtSeconds, judge, machine, quantile, round, type Goal, sample } from "./lib/stats";

function config() {
  return {
    facts: Math.round(envNumber("BENCH_FACTS", 100_000)),
    factBatch: Math.round(envNumber("BENCH_FACT_BATCH", 1_000)),
    events: Math.round(envNumber("BENCH_EVENTS", 30_000)),
    eventBatch: Math.round(envNumber("BENCH_EVENT_BATCH", 1_000)),
    learnedEvents: Math.round(envNumber("BENCH_LEARNED_EVENTS", 2_000)),
    pushFacts: Math.round(envNumber("BENCH_PUSH_FACTS", 5_000)),
    beings: 100,
    samples: Math.round(envNumber("BENCH_SAMPLES", 200)),
    warmup: Math.round(envNumber("BENCH_WARMUP", 20)),
    k: 10,
    out: process.env["BENCH_OUT"] || fileURLToPath(new URL("./results/knowledge.json", import.meta.url)),
  };
}
type Config = ReturnType<typeof config>;
type Log = (message: string) => void;

const GOALS: Record<string, Goal> = {
  ingest_events_per_s: { op: ">=", value: 20_000 },
  ingest_vs_raw_ratio: { op: ">=", value: 0.5 },
  ask_p50_ms: { op: "<=", value: 5 },
  ask_recall_at_10: { op: ">=", value: 0.95 },
  exact_vs_ask_speedup: { op: ">=", value: 20 },
};

// ---------------------------------------------------------------- data

/** Events a being's outbox holds: mostly decisions, then messages and state changes. */
function plainEvents(count: number, souls: readonly string[], seed: number): EventEnvelope[] {
  const texts = factTexts(count, seed);
  return texts.map((text, i) => {
    const source = souls[i % souls.length]!;
    const kind = i % 10;
    if (kind < 6) {
      return createEvent({
        type: "being.decision",
        source,
        data: {
          layer: kind < 3 ? "reflex" : "situation",
          decision: `step-${i}`,
          rationale: text,
          alternatives: [{ option: "wait", reason: "nothing new" }],
          confidence: 0.6,
        },
      });
    }
    if (kind < 9) return createEvent({ type: "being.message", source, data: { to: souls[(i + 1) % souls.length]!, text } });
    return createEvent({
      type: "being.state",
      source,
      data: { target: "memories", before_hash: "a1b2c3d4", after_hash: "d4c3b2a1", diff: { added: text }, reversible: true },
    });
  });
}

const sqlText = (s: string | undefined) => (s === undefined ? "NULL" : `'${s.replace(/'/g, "''")}'`);

/** One multi-row INSERT of the same columns the store fills, built here (its building counts, as the store's JSON does). */
function rawInsert(events: readonly EventEnvelope[]): string {
  const rows = events.map((e) => {
    const to = (e.data as { to?: unknown }).to;
    const room = e.source.startsWith("room:") ? e.source : typeof to === "string" && to.startsWith("room:") ? to : undefined;
    return `(${sqlText(e.id)}::uuid, ${sqlText(e.type)}, ${sqlText(e.source)}, ${sqlText(e.subject)}, ${sqlText(room)}, ${sqlText(e.branch)}, ${sqlText(e.time)}::timestamptz, ${sqlText(e.traceid)}, ${sqlText(JSON.stringify(e))}::jsonb)`;
  });
  return `INSERT INTO bench_raw_events (id, type, source, subject, room, branch, time, traceid, envelope) VALUES ${rows.join(",\n")}`;
}

// ---------------------------------------------------------------- HTTP

async function listen(store: MasterStore): Promise<{ server: Server; url: string }> {
  const handle = createApiHandler({ store, onError: (error) => console.error(error) });
  const server = createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled) res.writeHead(404).end();
      })
      .catch((error: unknown) => {
        console.error(error);
        res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { server, url: `http://127.0.0.1:${address.port}/api/trpc` };
}

async function post(url: string, body: string): Promise<EventsPushOutput> {
  const response = await fetch(`${url}/events.push`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const json = (await response.json()) as { result?: { data: EventsPushOutput }; error?: { message: string } };
  if (!response.ok || !json.result) throw new Error(`events.push answered ${response.status}: ${json.error?.message ?? "?"}`);
  return json.result.data;
}

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const chunks = <T>(xs: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

// ---------------------------------------------------------------- the run

async function bench(store: MasterStore, cfg: Config, log: Log) {
  const metrics: Record<string, number> = {};
  const context: Record<string, unknown> = {};
  const plans: Record<string, string> = {};
  const [{ version }] = (await store.sql.query<{ version: string }>("SELECT version()")) as [{ version: string }];
  context["version"] = version;

  const souls = await store.beings.createMany(Array.from({ length: cfg.beings }, (_, i) => beingCreateSchema.parse({ genesis: { name: `bench-being-${i}` } })));
  const { server, url } = await listen(store);
  try {
    // 1. Plain events: HTTP + tRPC + zod + store, against a raw multi-row INSERT, batch by batch.
    await store.sql.exec("CREATE TABLE bench_raw_events (LIKE events INCLUDING ALL)");
    const viaApi = chunks(plainEvents(cfg.events, souls, 1), cfg.eventBatch).map((events) => JSON.stringify({ events }));
    const viaRaw = chunks(plainEvents(cfg.events, souls, 2), cfg.eventBatch);
    let apiMs = 0;
    let rawMs = 0;
    let apiCpu = 0;
    let rawCpu = 0;
    for (let i = 0; i < viaApi.length; i++) {
      let t = performance.now();
      let c = process.cpuUsage();
      const { acks } = await post(url, viaApi[i]!);
      apiMs += performance.now() - t;
      apiCpu += cpuMs(process.cpuUsage(c));
      if (acks.length !== Math.min(cfg.eventBatch, cfg.events - i * cfg.eventBatch)) throw new Error("an ack is missing");
      t = performance.now();
      c = process.cpuUsage();
      await store.sql.exec(rawInsert(viaRaw[i]!));
      rawMs += performance.now() - t;
      rawCpu += cpuMs(process.cpuUsage(c));
    }
    // NOTE: client, HTTP server and PGlite all run in this process, so its CPU time is the whole work;
    // unlike the wall clock it does not count the time other processes on the machine had the CPU.
    metrics["ingest_events_per_cpu_s"] = cfg.events / (apiCpu / 1000);
    metrics["raw_insert_events_per_cpu_s"] = cfg.events / (rawCpu / 1000);
    // The replay of a batch: what a retry after a lost answer costs.
    const replay = await sample(2, 10, () => post(url, viaApi[0]!));
    metrics["ingest_events_per_s"] = cfg.events / (apiMs / 1000);
    metrics["raw_insert_events_per_s"] = cfg.events / (rawMs / 1000);
    metrics["ingest_vs_raw_ratio"] = rawMs / apiMs;
    metrics["replay_batch_p50_ms"] = quantile(replay.wall, 0.5);
    log(
      `ingest: ${round(metrics["ingest_events_per_s"])} events/s via HTTP (${round(metrics["ingest_events_per_cpu_s"])} per CPU-second), raw ${round(metrics["raw_insert_events_per_s"])} events/s (${round(metrics["raw_insert_events_per_cpu_s"])})`,
    );
    await store.sql.exec("DROP TABLE bench_raw_events");

    // 2. Learned facts through the same path.
    const learned = factTexts(cfg.learnedEvents, 3).map((text, i) =>
      createEvent({ type: LEARNED_EVENT_TYPE, source: souls[i % souls.length]!, data: { text, confidence: 0.7 } }),
    );
    const learnedBodies = chunks(learned, cfg.eventBatch).map((events) => JSON.stringify({ events }));
    let learnedMs = 0;
    const c = process.cpuUsage();
    for (const body of learnedBodies) {
      const t = performance.now();
      await post(url, body);
      learnedMs += performance.now() - t;
    }
    metrics["ingest_learned_facts_per_s"] = cfg.learnedEvents / (learnedMs / 1000);
    metrics["ingest_learned_facts_per_cpu_s"] = cfg.learnedEvents / (cpuMs(process.cpuUsage(c)) / 1000);
    log(`learned facts: ${round(metrics["ingest_learned_facts_per_s"])} facts/s via HTTP`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  // 3. Facts through store.knowledge.push (each searches for the fact it may repeat, then joins the HNSW
  // graph), then the rest in bulk: the same rows in multi-row INSERTs with the HNSW index dropped and
  // built again afterwards (PGlite adds ~3.6 ms of CPU per vector to a live graph; a build is ~3× cheaper).
  const pushed = Math.min(cfg.pushFacts, Math.max(0, cfg.facts - cfg.learnedEvents));
  const texts = factTexts(Math.max(0, cfg.facts - cfg.learnedEvents), 4);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const [b, batch] of chunks(texts.slice(0, pushed), cfg.factBatch).entries()) {
    const facts: FactInput[] = batch.map((text, i) => ({
      id: crypto.randomUUID(),
      text,
      source: souls[(b + i) % souls.length]!,
      confidence: 0.5 + (i % 5) / 10,
    }));
    await store.knowledge.push(knowledgePushSchema.parse({ facts }).facts);
  }
  const pushMs = performance.now() - t0;
  metrics["load_facts_per_s"] = pushed / (pushMs / 1000);
  metrics["load_facts_per_cpu_s"] = pushed / (cpuMs(process.cpuUsage(c0)) / 1000);
  log(`pushed ${pushed} facts: ${round(metrics["load_facts_per_s"])} facts/s through knowledge.push`);
  const bulk = texts.slice(pushed);
  const [{ indexdef }] = (await store.sql.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_base_beings_embedding'")) as [
    { indexdef: string },
  ];
  const t2 = performance.now();
  await store.sql.exec("DROP INDEX idx_base_beings_embedding");
  for (const [b, batch] of chunks(bulk, 5_000).entries()) {
    const rows = batch.map((text, i) => ({
      soul: crypto.randomUUID(),
      source: souls[(b + i) % souls.length]!,
      text,
      confidence: 0.5 + (i % 5) / 10,
      v: `[${Array.from(hashEmbed(text)).join(",")}]`,
    }));
    const json = JSON.stringify(rows);
    await store.sql.query(
      `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, embedding)
       SELECT x.soul, '{fact}', 10, jsonb_build_object('name', left(x.text, 80), 'type', 'fact', 'created_by', 'master'),
         jsonb_build_object('text', x.text, 'confidence', x.confidence, 'corroboration', 1, 'sources', jsonb_build_array(x.source)), '{}', '{}', x.v
       FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, source text, text text, confidence float8, v vector)`,
      [json],
    );
    await store.sql.query(
      `INSERT INTO knowledge_facts (soul, branch, change_seq, sources, corroboration, confidence, first_learned, last_learned)
       SELECT x.soul, 'main', nextval('knowledge_change_seq'), ARRAY[x.source], 1, x.confidence, now(), now()
       FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, source uuid, confidence float8)`,
      [json],
    );
    await store.sql.query(
      `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes)
       SELECT gen_random_uuid(), '{learned}', 1, x.source, x.soul, '{"type":"learned","created_by":"master"}',
         jsonb_build_object('times', 1, 'confidence', x.confidence, 'first_learned', to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'last_learned', to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, source uuid, confidence float8)`,
      [json],
    );
  }
  metrics["bulk_insert_facts_s"] = (performance.now() - t2) / 1000;
  log(`bulk-inserted ${bulk.length} facts in ${fmtSeconds(performance.now() - t2)}; building the HNSW index`);
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  await store.sql.exec(indexdef);
  metrics["hnsw_build_s"] = (performance.now() - t3) / 1000;
  metrics["hnsw_build_cpu_s"] = cpuMs(process.cpuUsage(c3)) / 1000;
  metrics["load_facts_s"] = (performance.now() - t0) / 1000;
  log(`HNSW index built in ${fmtSeconds(performance.now() - t3)}`);
  const t1 = performance.now();
  await store.maintain();
  metrics["maintain_s"] = (performance.now() - t1) / 1000;
  const [counts] = await store.sql.query<{ facts: number; corroborated: number }>(
    "SELECT count(*)::int AS facts, count(*) FILTER (WHERE corroboration > 1)::int AS corroborated FROM knowledge_facts",
  );
  context["facts"] = counts;
  log(`facts: ${JSON.stringify(counts)}`);

  // 4. Ask.
  const questions = factTexts(cfg.samples + cfg.warmup, 5).map((fact, i) => (i % 2 ? questionAbout(fact) : fact));
  const search = (text: string) => {
    const { compose: _c, ...query } = knowledgeAskSchema.parse({ text, k: cfg.k });
    return store.knowledge.search(query);
  };
  const exact = async (text: string) => {
    const { compose: _c, ...query } = knowledgeAskSchema.parse({ text, k: cfg.k });
    // NOTE: the same query with the index switched off for this session (PGlite is one connection):
    // PostgreSQL scans every fact and keeps the top k.
    await store.sql.exec("SET enable_indexscan = off; SET enable_bitmapscan = off");
    try {
      return await store.knowledge.search(query);
    } finally {
      await store.sql.exec("RESET enable_indexscan; RESET enable_bitmapscan");
    }
  };
  const hnswIds: string[][] = [];
  const ask = await sample(cfg.warmup, cfg.samples, async (i) => {
    const hits = await search(questions[i]!);
    if (i >= cfg.warmup) hnswIds.push(hits.map((h) => h.fact));
  });
  const exactIds: string[][] = [];
  // Questions warmup+0 and +1 warm the exact path; warmup+2 … are measured and compared with HNSW's answers to the same.
  const scan = await sample(2, Math.max(1, Math.min(cfg.samples - 2, 30)), async (i) => {
    const hits = await exact(questions[cfg.warmup + i]!);
    if (i >= 2) exactIds.push(hits.map((h) => h.fact));
  });
  // Recall on the questions both answered; the exact side runs fewer (each is a full scan), so check those.
  const recallTargets = exactIds.length;
  let found = 0;
  let wanted = 0;
  for (let i = 0; i < recallTargets; i++) {
    const truth = new Set(exactIds[i]);
    wanted += truth.size;
    found += hnswIds[i + 2]!.filter((id) => truth.has(id)).length;
  }
  const caller = createCaller(createContext(store));
  const composed = await sample(5, Math.min(cfg.samples, 100), (i) => caller.knowledge.ask({ text: questions[i % questions.length]!, k: cfg.k }));
  metrics["ask_p50_ms"] = quantile(ask.wall, 0.5);
  metrics["ask_p99_ms"] = quantile(ask.wall, 0.99);
  metrics["ask_cpu_p50_ms"] = quantile(ask.cpu, 0.5);
  metrics["ask_recall_at_10"] = wanted === 0 ? 0 : found / wanted;
  metrics["exact_scan_p50_ms"] = quantile(scan.wall, 0.5);
  metrics["exact_vs_ask_speedup"] = metrics["exact_scan_p50_ms"] / metrics["ask_p50_ms"];
  metrics["ask_composed_p50_ms"] = quantile(composed.wall, 0.5);
  context["ef_search"] = ASK_EF_SEARCH;
  context["recall_questions"] = recallTargets;

  const [sql, params] = await captureSqlAfter(store, () => search(questions[0]!));
  await store.sql.query("SELECT set_config('hnsw.ef_search', $1, false), set_config('hnsw.iterative_scan', 'relaxed_order', false)", [String(ASK_EF_SEARCH)]);
  plans["ask"] = await explain(store, sql, params);
  await store.sql.exec("RESET hnsw.ef_search; RESET hnsw.iterative_scan");
  log(`ask plan: ${planSummary(plans["ask"])}`);
  return { metrics, context, plans };
}

/** The search statement itself (the second one `search` sends; the first sets ef_search). */
async function captureSqlAfter(store: MasterStore, fn: () => Promise<unknown>): Promise<[string, unknown[]]> {
  // NOTE: store.sql is the driver itself; its transaction is where search sends its statements.
  const driver = store.sql as SqlDriver;
  const original = driver.transaction.bind(driver);
  let seen: [string, unknown[]] | undefined;
  driver.transaction = <T>(work: (tx: SqlExecutor) => Promise<T>) =>
    original((tx) =>
      work({
        exec: (s) => tx.exec(s),
        query: (text, params) => {
          if (!seen && /ORDER BY embedding <=>/.test(text)) seen = [text, [...(params ?? [])]];
          return tx.query(text, params);
        },
      }),
    );
  try {
    await fn();
  } finally {
    driver.transaction = original;
  }
  if (!seen) throw new Error("the search sent no SQL");
  return seen;
}

export async function run(): Promise<void> {
  const cfg = config();
  const started = performance.now();
  console.log(`knowledge bench: ${cfg.events} events in batches of ${cfg.eventBatch}, ${cfg.facts} facts, ${cfg.samples} questions`);
  const log: Log = (m) => console.log(`[pglite ${fmtSeconds(performance.now() - started)}] ${m}`);
  const result = await withScratchStore({ kind: "pglite" }, (store) => bench(store, cfg, log));
  const { metrics, goals } = judge(result.metrics, GOALS);
  const { out: _out, ...shownConfig } = cfg;
  const doc = {
    metrics,
    goals,
    date: new Date().toISOString(),
    machine: machine(),
    config: shownConfig,
    timings_s: { total_s: round((performance.now() - started) / 1000) },
    backends: { pglite: { database: result.database, ...result.context, plans: result.plans } },
  };
  await mkdir(path.dirname(cfg.out), { recursive: true });
  await writeFile(cfg.out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(JSON.stringify({ metrics, goals }, null, 2));
  console.log(`written to ${cfg.out}`);
}

/**
 * Store benchmark: `npm run bench -- store`.
 *
 * Loads 100k beings and 300k relationships (times BENCH_SCALE) through the MasterStore API into a
 * fresh embedded PGlite (temp dataDir, removed afterwards) and, when DATABASE_URL or
 * TEST_DATABASE_URL is set, into a real PostgreSQL (a temporary database on that server, dropped
 * afterwards), lets the store do its post-load maintenance, then times filters and graph walks
 * through the store API. See bench/README.md for method and knobs.
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beingListSchema, neighborsSchema, pathSchema, type BeingList } from "../lib/schemas";
import type { MasterStore } from "../server/db/store";
import { envFlag, envNumber } from "./lib/env";
import { captureSql, explain, planShape, planSummary } from "./lib/plans";
import { withScratchStore } from "./lib/scratchStore";
import { fmtSeconds, machine, round, sample, summarize, table, type Samples } from "./lib/stats";
import { GROUPS, KINDS, makeBeing, makeGraph, makeRel, parseBeing, parseRel, rawBeingsInsert, rawRelsInsert, rng, TAGS } from "./lib/worldData";

// ---------------------------------------------------------------- configuration

type Config = ReturnType<typeof config>;

function config() {
  const scale = envNumber("BENCH_SCALE", 1);
  const beings = Math.max(100, Math.round(100_000 * scale));
  const url = process.env["DATABASE_URL"] || process.env["TEST_DATABASE_URL"] || undefined;
  return {
    scale,
    beings,
    relationships: Math.round(beings * 3),
    batch: Math.round(envNumber("BENCH_BATCH", 5000)),
    samples: Math.round(envNumber("BENCH_SAMPLES", 150)),
    warmup: Math.round(envNumber("BENCH_WARMUP", 20)),
    chains: Math.min(200, Math.floor(beings / 10)),
    rawRelationships: envFlag("BENCH_RAW_RELS", true),
    pglite: envFlag("BENCH_PGLITE", true),
    postgresUrl: envFlag("BENCH_PG", true) ? url : undefined,
    out: process.env["BENCH_OUT"] || fileURLToPath(new URL("./results/store.json", import.meta.url)),
  };
}

// ---------------------------------------------------------------- goals

const GOALS: Record<string, { op: "<=" | ">="; value: number; label: string }> = {
  tag_filter_p50_ms: { op: "<=", value: 5, label: "<= 5 ms" },
  jsonb_filter_p50_ms: { op: "<=", value: 5, label: "<= 5 ms" },
  store_vs_raw_insert_ratio: { op: ">=", value: 0.5, label: ">= 0.5" },
};

const passes = (name: string, v: number | undefined) => {
  const g = GOALS[name];
  if (!g || v === undefined || !Number.isFinite(v)) return undefined;
  return g.op === "<=" ? v <= g.value : v >= g.value;
};

// ---------------------------------------------------------------- one backend

interface BackendResult {
  database?: string;
  metrics: Record<string, number>;
  context: Record<string, unknown>;
  plans: Record<string, string>;
}

type Log = (msg: string) => void;

/**
 * Loads `n` rows in batches of `size`: the store's batch, then the raw baseline's, back to back, so both
 * tables grow together and each step runs right after the other (same cache, same noise).
 * NOTE: not alternated (S R R S ...): two raw batches in a row can outlast the store's 2-s maintenance
 * debounce and put a VACUUM on the raw side's clock mid-load.
 */
async function loadPair(
  label: string,
  n: number,
  size: number,
  log: Log,
  storeBatch: (from: number, to: number) => Promise<unknown>,
  rawBatch?: (from: number, to: number) => Promise<unknown>,
) {
  let storeMs = 0;
  let rawMs = 0;
  const batches = Math.ceil(n / size);
  for (let b = 0; b < batches; b++) {
    const [from, to] = [b * size, Math.min(n, (b + 1) * size)];
    let t0 = performance.now();
    await storeBatch(from, to);
    storeMs += performance.now() - t0;
    t0 = performance.now();
    await rawBatch?.(from, to);
    rawMs += performance.now() - t0;
    if ((b + 1) % 10 === 0 || b === batches - 1) log(`${label} ${to}/${n}: store ${fmtSeconds(storeMs)}${rawBatch ? `, raw ${fmtSeconds(rawMs)}` : ""}`);
  }
  return { storeMs, rawMs };
}

async function benchBackend(store: MasterStore, cfg: Config, log: Log, openMs: number): Promise<BackendResult> {
  const metrics: Record<string, number> = {};
  const plans: Record<string, string> = {};
  const phases: Record<string, number> = { open_s: openMs / 1000 };
  const [{ version }] = (await store.sql.query<{ version: string }>("SELECT version()")) as [{ version: string }];
  const loadStart = os.loadavg().map(round);
  if (store.kind === "postgres") {
    // NOTE: our own throwaway database: autovacuum stays out so its workers do not wake mid-sampling;
    // the explicit VACUUM (ANALYZE) after the load stands in for it (see below).
    await store.sql.exec("ALTER TABLE base_beings SET (autovacuum_enabled = false); ALTER TABLE relationships SET (autovacuum_enabled = false);");
  }
  const vacuumCounts = () =>
    store.sql.query<{ relname: string; vacuums: number; analyzes: number }>(
      `SELECT relname, (vacuum_count + autovacuum_count)::int AS vacuums, (analyze_count + autoanalyze_count)::int AS analyzes
       FROM pg_stat_user_tables WHERE relname IN ('base_beings', 'relationships') ORDER BY 1`,
    );

  // Raw-baseline tables: same columns, defaults, constraints and indexes as the real ones (and the
  // relationships' foreign keys to base_beings), so the raw INSERT pays the same index maintenance.
  await store.sql.exec(`
    DROP TABLE IF EXISTS bench_raw_relationships; DROP TABLE IF EXISTS bench_raw_beings;
    CREATE TABLE bench_raw_beings (LIKE base_beings INCLUDING ALL);
    CREATE TABLE bench_raw_relationships (LIKE relationships INCLUDING ALL);
    ALTER TABLE bench_raw_relationships
      ADD FOREIGN KEY (source_soul) REFERENCES base_beings (soul),
      ADD FOREIGN KEY (target_soul) REFERENCES base_beings (soul);`);

  // ---- beings: generate, validate (zod, as the API layer would; not timed as the store's), load
  let t = performance.now();
  const r = rng(42);
  const storeRows = Array.from({ length: cfg.beings }, (_, i) => makeBeing(r, i));
  const rr = rng(4242);
  const rawRows = Array.from({ length: cfg.beings }, (_, i) => makeBeing(rr, i));
  phases["generate_s"] = (performance.now() - t) / 1000;
  t = performance.now();
  const inputs = storeRows.map(parseBeing);
  metrics["zod_parse_rows_per_s"] = cfg.beings / ((performance.now() - t) / 1000);

  const souls: string[] = [];
  t = performance.now();
  const beings = await loadPair(
    "beings",
    cfg.beings,
    cfg.batch,
    log,
    async (from, to) => souls.push(...(await store.beings.createMany(inputs.slice(from, to)))),
    (from, to) => store.sql.exec(rawBeingsInsert("bench_raw_beings", rawRows.slice(from, to))),
  );
  phases["load_beings_total_s"] = (performance.now() - t) / 1000;
  phases["load_beings_store_s"] = beings.storeMs / 1000;
  phases["load_beings_raw_s"] = beings.rawMs / 1000;
  metrics["insert_rows_per_s"] = cfg.beings / (beings.storeMs / 1000);
  metrics["raw_insert_rows_per_s"] = cfg.beings / (beings.rawMs / 1000);
  metrics["store_vs_raw_insert_ratio"] = metrics["insert_rows_per_s"] / metrics["raw_insert_rows_per_s"];

  // ---- relationships: planted 4-hop chains + random edges (~3 out-edges per being)
  const graph = makeGraph(rng(7), cfg.beings, cfg.relationships, cfg.chains);
  const gr = rng(77);
  const relInputs = graph.edges.map(([s, d]) => parseRel(makeRel(gr, souls[s]!, souls[d]!)));
  const rawGraph = cfg.rawRelationships ? makeGraph(rng(8), cfg.beings, cfg.relationships, 0) : undefined;
  const rgr = rng(88);
  const rawRels = rawGraph ? rawGraph.edges.map(([s, d]) => makeRel(rgr, souls[s]!, souls[d]!)) : [];
  t = performance.now();
  const rels = await loadPair(
    "relationships",
    cfg.relationships,
    cfg.batch,
    log,
    (from, to) => store.relationships.createMany(relInputs.slice(from, to)),
    rawGraph && ((from, to) => store.sql.exec(rawRelsInsert("bench_raw_relationships", rawRels.slice(from, to)))),
  );
  phases["load_relationships_total_s"] = (performance.now() - t) / 1000;
  phases["load_relationships_store_s"] = rels.storeMs / 1000;
  metrics["rel_insert_rows_per_s"] = cfg.relationships / (rels.storeMs / 1000);
  if (rawGraph) {
    phases["load_relationships_raw_s"] = rels.rawMs / 1000;
    metrics["raw_rel_insert_rows_per_s"] = cfg.relationships / (rels.rawMs / 1000);
    metrics["rel_store_vs_raw_insert_ratio"] = metrics["rel_insert_rows_per_s"] / metrics["raw_rel_insert_rows_per_s"];
  }

  // The raw tables only served the insert baseline: drop them so queries see the store's world alone.
  t = performance.now();
  await store.sql.exec("DROP TABLE bench_raw_relationships; DROP TABLE bench_raw_beings;");
  phases["drop_raw_tables_s"] = (performance.now() - t) / 1000;

  // ---- what the product does after a bulk load. PGlite: the store's own VACUUM (ANALYZE), which it
  // runs 2 s after the last bulk write; maintain() runs it now. PostgreSQL: maintain() is a no-op
  // (autovacuum's job there), so a VACUUM (ANALYZE) of both tables stands in for autovacuum, which
  // both vacuums (merging GIN pending lists) and analyzes.
  const countsBefore = await vacuumCounts();
  t = performance.now();
  await store.maintain();
  if (store.kind === "postgres") {
    // NOTE: one statement per call: VACUUM refuses to run inside a multi-statement string.
    await store.sql.exec("VACUUM (ANALYZE) base_beings");
    await store.sql.exec("VACUUM (ANALYZE) relationships");
  }
  phases["maintain_s"] = (performance.now() - t) / 1000;
  const countsAfter = await vacuumCounts();
  log(
    `maintenance after the load: ${fmtSeconds(phases["maintain_s"] * 1000)} (${store.kind === "pglite" ? "store.maintain(): VACUUM (ANALYZE)" : "VACUUM (ANALYZE), standing in for autovacuum"})`,
  );
  const stats = await store.stats();

  // ---- queries through the store API
  const N = cfg.samples;
  const W = cfg.warmup;
  const NS = Math.ceil(N / 3);
  const lp = (input: Partial<BeingList>) => beingListSchema.parse({ limit: 50, ...input });
  const tagQueries = TAGS.map((tag) => lp({ tags_all: [tag] }));
  const jsonQueries = KINDS.flatMap((kind) => Array.from({ length: GROUPS }, (_, g) => lp({ attributes: { kind, grp: `g${g}` } })));
  const stride = (n: number, i: number) => (i * 7919) % n; // co-prime stride: spread over the set
  const commonTags = tagQueries.slice(0, 5);
  const rareTags = tagQueries.slice(-5);
  const newest = lp({}); // the first page with no filter: what a list view opens with
  let short = 0;
  const list = async (q: BeingList) => {
    const page = await store.beings.list(q);
    if (page.items.length < q.limit) short++;
  };
  // `%` in a name becomes p50 / p95; on PGlite each also gets a CPU-time twin (cpu_p50).
  const put = (name: string, samples: Samples) => {
    metrics[name.replace("%", "p50")] = summarize(samples.wall).p50;
    metrics[name.replace("%", "p95")] = summarize(samples.wall).p95;
    if (store.kind === "pglite") metrics[name.replace("%", "cpu_p50")] = summarize(samples.cpu).p50;
  };

  log(`queries (${N} samples after ${W} warm-up)`);
  t = performance.now();
  put("tag_filter_%_ms", await sample(W, N, (i) => list(tagQueries[stride(tagQueries.length, i)]!)));
  put("tag_filter_common_%_ms", await sample(5, NS, (i) => list(commonTags[i % 5]!)));
  put("tag_filter_rare_%_ms", await sample(5, NS, (i) => list(rareTags[i % 5]!)));
  const jsonb = await sample(W, N, (i) => list(jsonQueries[stride(jsonQueries.length, i)]!));
  put("jsonb_filter_%_ms", jsonb);
  put("list_newest_%_ms", await sample(5, NS, () => list(newest)));

  const neighborSouls = Array.from({ length: N + W }, (_, i) => souls[(i * 7919 + 13) % souls.length]!);
  let neighborNodes = 0;
  const neighbors = await sample(W, N, async (i) => {
    const hood = await store.relationships.neighbors(neighborsSchema.parse({ soul: neighborSouls[i]!, depth: 2, direction: "both" }));
    if (i >= W) neighborNodes += hood.nodes.length;
  });
  put("neighbors_depth2_%_ms", neighbors);
  const hops: Record<number, number> = {};
  let notFound = 0;
  const walk = async (i: number, direction: "out" | "both", record: boolean) => {
    const chain = graph.chains[i % graph.chains.length]!;
    const p = await store.relationships.path(pathSchema.parse({ from: souls[chain[0]!], to: souls[chain[4]!], direction }));
    if (!p.found) notFound++;
    else if (record) hops[p.souls.length - 1] = (hops[p.souls.length - 1] ?? 0) + 1;
  };
  put("path_depth4_%_ms", await sample(W, N, (i) => walk(i, "out", i >= W)));
  put("path_depth4_both_%_ms", await sample(5, NS, (i) => walk(i, "both", false)));
  phases["queries_s"] = (performance.now() - t) / 1000;

  // ---- plans of the store's own SQL (captured from the calls above), EXPLAIN (ANALYZE, BUFFERS)
  const storeSql = (q: BeingList) => captureSql(store, () => store.beings.list(q));
  for (const [name, q] of Object.entries({ tag_common: commonTags[0]!, tag_rare: rareTags.at(-1)!, newest })) {
    const [sql, params] = await storeSql(q);
    plans[name] = await explain(store, sql, params);
  }
  // Which plan each filter gets (EXPLAIN without ANALYZE), and the jsonb p50 per plan shape.
  const shapes = async (qs: BeingList[]) => {
    const out: string[] = [];
    for (const q of qs) {
      const [sql, params] = await storeSql(q);
      out.push(planShape(await explain(store, sql, params, false)));
    }
    return out;
  };
  const count = (xs: string[]) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});
  const tagShapes = await shapes(tagQueries);
  const jsonShapes = await shapes(jsonQueries);
  for (const shape of new Set(jsonShapes)) {
    const mine = (_: number, j: number) => jsonShapes[stride(jsonQueries.length, W + j)] === shape;
    put(`jsonb_filter_${shape}_%_ms`, { wall: jsonb.wall.filter(mine), cpu: jsonb.cpu.filter(mine) });
    const [sql, params] = await storeSql(jsonQueries[jsonShapes.indexOf(shape)]!);
    plans[`jsonb_${shape}`] = await explain(store, sql, params);
  }
  // PostgreSQL: GIN pending-list pages left after the load (ANALYZE does not merge them, VACUUM would).
  let ginPending: unknown = store.kind === "pglite" ? "none: merged by the store's VACUUM" : undefined;
  if (store.kind === "postgres") {
    ginPending = await store.sql
      .exec("CREATE EXTENSION IF NOT EXISTS pgstattuple")
      .then(() =>
        store.sql.query(`SELECT c.relname AS index, (pgstatginindex(c.oid)).pending_pages FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND i.indrelid = 'base_beings'::regclass ORDER BY 1`),
      )
      .catch((e: Error) => `unknown (${e.message})`);
  }

  for (const [k, v] of Object.entries(phases)) metrics[k] = v;
  const indexSizes = await store.sql.query<{ index: string; kb: number }>(
    `SELECT c.relname AS index, (pg_relation_size(c.oid) / 1024)::int AS kb FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid IN ('base_beings'::regclass, 'relationships'::regclass) ORDER BY 1`,
  );
  return {
    metrics,
    plans,
    context: {
      version,
      rows: stats,
      maintenance:
        store.kind === "pglite" ? "store.maintain() (VACUUM (ANALYZE), as 2 s after a bulk load)" : "VACUUM (ANALYZE) both tables (stand-in for autovacuum)",
      vacuum_analyze_counts_before_after_maintain: [countsBefore, countsAfter],
      plan_shapes: { tag_filter: count(tagShapes), jsonb_filter: count(jsonShapes) },
      gin_pending_pages: ginPending,
      index_sizes_kb: Object.fromEntries(indexSizes.map((x) => [x.index, x.kb])),
      list_pages_shorter_than_limit: short,
      neighbors_depth2_avg_nodes: round(neighborNodes / N),
      path_depth4_found_hops: hops,
      path_not_found: notFound,
      chains: graph.chains.length,
      load_average_start_end: [loadStart, os.loadavg().map(round)],
    },
  };
}

// ---------------------------------------------------------------- report

const REPORT_ROWS: [string, string][] = [
  ["insert_rows_per_s", "beings createMany (store API), rows/s"],
  ["raw_insert_rows_per_s", "beings raw INSERT ... VALUES, rows/s"],
  ["store_vs_raw_insert_ratio", "store / raw insert"],
  ["rel_insert_rows_per_s", "relationships createMany, rows/s"],
  ["raw_rel_insert_rows_per_s", "relationships raw INSERT, rows/s"],
  ["rel_store_vs_raw_insert_ratio", "relationships store / raw"],
  ["zod_parse_rows_per_s", "zod parse (API layer, not in store figure)"],
  ["tag_filter_p50_ms", "list tags_all=[tag] limit 50, p50"],
  ["tag_filter_p95_ms", "  p95"],
  ["tag_filter_cpu_p50_ms", "  CPU time p50 (PGlite)"],
  ["tag_filter_common_p50_ms", "  5 most common tags (~20-30%), p50"],
  ["tag_filter_rare_p50_ms", "  5 rarest tags (~2%), p50"],
  ["jsonb_filter_p50_ms", "list attributes @> {kind,grp} limit 50, p50"],
  ["jsonb_filter_p95_ms", "  p95"],
  ["jsonb_filter_cpu_p50_ms", "  CPU time p50 (PGlite)"],
  ["jsonb_filter_created_index_p50_ms", "  p50 where planned as created_at index walk"],
  ["jsonb_filter_created_index_cpu_p50_ms", "    CPU time p50 (PGlite)"],
  ["jsonb_filter_gin_bitmap_p50_ms", "  p50 where planned as GIN bitmap + top-N"],
  ["jsonb_filter_gin_bitmap_cpu_p50_ms", "    CPU time p50 (PGlite)"],
  ["list_newest_p50_ms", "list, no filter (first page), p50"],
  ["neighbors_depth2_p50_ms", "neighbors depth 2 both, p50"],
  ["neighbors_depth2_p95_ms", "  p95"],
  ["path_depth4_p50_ms", "path 4 hops (direction out), p50"],
  ["path_depth4_p95_ms", "  p95"],
  ["path_depth4_both_p50_ms", "path 4 hops (direction both), p50"],
  ["open_s", "open (initdb/connect + migrate), s"],
  ["load_beings_store_s", "load beings via store, s"],
  ["load_beings_raw_s", "load beings raw baseline, s"],
  ["load_relationships_store_s", "load relationships via store, s"],
  ["load_relationships_raw_s", "load relationships raw baseline, s"],
  ["maintain_s", "post-load maintenance, s"],
  ["queries_s", "queries (all), s"],
];

function report(results: Record<string, BackendResult | { error: string }>): string {
  const names = Object.keys(results);
  const header = ["metric", "what", ...names, "goal", ...names.map((n) => `${n} ok`)];
  const rows = REPORT_ROWS.map(([key, what]) => {
    const value = (n: string) => {
      const r = results[n]!;
      return "metrics" in r ? r.metrics[key] : undefined;
    };
    const oks = names.map((n) => {
      const ok = passes(key, value(n));
      return ok === undefined ? "" : ok ? "PASS" : "FAIL";
    });
    return [key, what, ...names.map((n) => (value(n) === undefined ? "-" : round(value(n)!))), GOALS[key]?.label ?? "", ...oks];
  });
  return table(header, rows);
}

// ---------------------------------------------------------------- entry

export async function run(): Promise<void> {
  const cfg = config();
  const started = performance.now();
  const results: Record<string, BackendResult | { error: string }> = {};
  console.log(`store bench: ${cfg.beings} beings, ${cfg.relationships} relationships (scale ${cfg.scale}), batch ${cfg.batch}, ${cfg.samples} samples/query`);
  const timings: Record<string, number> = {};
  const targets = [
    ...(cfg.pglite ? [["pglite", { kind: "pglite" }] as const] : []),
    ...(cfg.postgresUrl ? [["postgres", { kind: "postgres", url: cfg.postgresUrl }] as const] : []),
  ];
  if (!cfg.postgresUrl) console.log("postgres: skipped (set DATABASE_URL or TEST_DATABASE_URL to include it)");
  for (const [name, target] of targets) {
    const t = performance.now();
    const log: Log = (m) => console.log(`[${name} ${fmtSeconds(performance.now() - t)}] ${m}`);
    try {
      results[name] = await withScratchStore(
        target,
        (store, openMs) => benchBackend(store, cfg, log, openMs),
        (e) => log(`cleanup failed: ${e.message}`),
      );
    } catch (error) {
      log(`failed: ${(error as Error).stack ?? String(error)}`);
      results[name] = { error: (error as Error).message };
      process.exitCode = 1;
    }
    timings[`${name}_s`] = (performance.now() - t) / 1000;
  }
  timings["total_s"] = (performance.now() - started) / 1000;

  // Flat metrics: PGlite names as the contract lists them, PostgreSQL's prefixed with pg_.
  const metrics: Record<string, number> = {};
  const goals: { backend: string; metric: string; goal: string; value: number | null; pass: boolean }[] = [];
  for (const backend of ["pglite", "postgres"] as const) {
    const r = results[backend];
    if (!r || !("metrics" in r)) continue;
    const prefix = backend === "postgres" ? "pg_" : "";
    for (const [k, v] of Object.entries(r.metrics)) metrics[`${prefix}${k}`] = round(v);
    for (const [name, g] of Object.entries(GOALS)) {
      const v = r.metrics[name];
      goals.push({ backend, metric: prefix + name, goal: `${g.op} ${g.value}`, value: v === undefined ? null : round(v), pass: passes(name, v) ?? false });
    }
  }
  const { postgresUrl: _url, out: _out, ...shownConfig } = cfg;
  const doc = {
    metrics,
    goals,
    date: new Date().toISOString(),
    machine: machine(),
    config: shownConfig,
    timings_s: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v)])),
    backends: Object.fromEntries(
      Object.entries(results).map(([name, r]) => [name, "metrics" in r ? { database: r.database, ...r.context, plans: r.plans } : r]),
    ),
  };
  await mkdir(path.dirname(cfg.out), { recursive: true });
  await writeFile(cfg.out, `${JSON.stringify(doc, null, 2)}\n`);

  console.log(`\n${report(results)}\n`);
  for (const [name, r] of Object.entries(results)) {
    if (!("metrics" in r)) continue;
    console.log(`${name}: ${String(r.context["version"])}`);
    console.log(
      `  rows ${JSON.stringify(r.context["rows"])}, path hops found ${JSON.stringify(r.context["path_depth4_found_hops"])}, neighbors depth 2 avg ${String(r.context["neighbors_depth2_avg_nodes"])} nodes`,
    );
    console.log(`  plan shapes ${JSON.stringify(r.context["plan_shapes"])}; GIN pending pages ${JSON.stringify(r.context["gin_pending_pages"])}`);
    for (const [k, plan] of Object.entries(r.plans)) console.log(`  plan ${k}: ${planSummary(plan)}`);
  }
  console.log(`\nwrote ${path.relative(process.cwd(), cfg.out)}; total ${fmtSeconds((timings["total_s"] ?? 0) * 1000)}`);
}

/**
 * Branches benchmark: `npm run bench -- branches` → bench/results/branches.json (issue 8 §8).
 *
 * In a fresh PGlite (and a temporary PostgreSQL database when DATABASE_URL or TEST_DATABASE_URL is
 * set; BENCH_PG=0 skips it), through the store API:
 * - fork_ms_1k / fork_ms_100k: `branches.fork` with 1k, then 100k beings in the world (goal: ratio
 *   ≤ 1.2 and each ≤ 5 ms): a fork writes one row whatever the world's size.
 * - branch_read_overhead_ratio: the same filtered `beings.list` (tag, then attributes containment) in a
 *   read-through branch that changed 1% of the beings vs in main, interleaved call by call (goal ≤ 1.5).
 * - merge_1k_changed_ms: a deep merge of a branch that changed 1,000 beings into main.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { branchForkSchema, branchMergeSchema } from "../lib/branches/schemas";
import { beingListSchema, beingUpdateSchema } from "../lib/schemas";
import type { MasterStore } from "../server/db/store";
import { envFlag, envNumber } from "./lib/env";
import { withScratchStore } from "./lib/scratchStore";
import { machine, round, sample, sampleEach, summarize, table } from "./lib/stats";
import { GROUPS, KINDS, makeBeing, parseBeing, rng, TAGS } from "./lib/worldData";

function config() {
  const scale = envNumber("BENCH_SCALE", 1);
  const url = process.env["DATABASE_URL"] || process.env["TEST_DATABASE_URL"] || undefined;
  return {
    scale,
    small: 1_000,
    large: Math.max(2_000, Math.round(100_000 * scale)),
    changed: 1_000,
    forks: Math.round(envNumber("BENCH_SAMPLES", 60)),
    reads: Math.round(envNumber("BENCH_READS", 120)),
    warmup: 10,
    merges: 3,
    postgresUrl: envFlag("BENCH_PG", true) ? url : undefined,
    out: process.env["BENCH_OUT"] || fileURLToPath(new URL("./results/branches.json", import.meta.url)),
  };
}
type Config = ReturnType<typeof config>;

const GOALS = {
  fork_ratio_100k_vs_1k: "<= 1.2",
  fork_ms_100k: "<= 5 ms",
  branch_read_overhead_ratio: "<= 1.5",
} as const;

async function load(store: MasterStore, from: number, to: number, random: () => number): Promise<void> {
  for (let i = from; i < to; i += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, to - i) }, (_, k) => parseBeing(makeBeing(random, i + k)));
    await store.beings.createMany(batch);
  }
  await store.maintain();
}

/** Changes `n` random main beings in the branch (copy-on-write versions), outside the clock. */
async function changeInBranch(store: MasterStore, branch: string, souls: readonly string[], n: number, random: () => number): Promise<void> {
  const picked = new Set<string>();
  while (picked.size < Math.min(n, souls.length)) picked.add(souls[Math.floor(random() * souls.length)]!);
  for (const soul of picked) {
    await store.beings.update(beingUpdateSchema.parse({ soul, branch, attributes: { score: Math.floor(random() * 100) }, energy_level: 1 }));
  }
}

async function forkTimes(store: MasterStore, cfg: Config, label: string): Promise<number[]> {
  let n = 0;
  const s = await sample(cfg.warmup, cfg.forks, () => store.branches.fork(branchForkSchema.parse({ name: `${label}-${n++}` }), null));
  return s.wall;
}

async function backend(store: MasterStore, cfg: Config, log: (m: string) => void) {
  const random = rng(8);
  const metrics: Record<string, number> = {};

  log(`loading ${cfg.small} beings`);
  await load(store, 0, cfg.small, random);
  const before = await store.stats();
  const fork1k = await forkTimes(store, cfg, "small");
  const after = await store.stats();
  metrics["fork_rows_written_per_fork"] = (after.beings - before.beings) / (cfg.forks + cfg.warmup);

  log(`loading up to ${cfg.large} beings`);
  await load(store, cfg.small, cfg.large, random);
  const fork100k = await forkTimes(store, cfg, "large");
  metrics["fork_ms_1k"] = summarize(fork1k).p50;
  metrics["fork_ms_100k"] = summarize(fork100k).p50;
  metrics["fork_ratio_100k_vs_1k"] = metrics["fork_ms_100k"] / metrics["fork_ms_1k"];

  const souls = (
    await store.sql.query<{ soul: string }>(
      `SELECT soul::text AS soul FROM base_beings WHERE 'main' = ANY(branches) AND NOT (tags && '{branch,core}') LIMIT 200000`,
    )
  ).map((r) => r.soul);

  log(`read-through branch changing ${cfg.changed} beings`);
  const reader = await store.branches.fork(branchForkSchema.parse({ name: "reader" }), null);
  await changeInBranch(store, reader.id, souls, cfg.changed, random);
  await store.maintain();
  const tag = (i: number) => TAGS[i % TAGS.length]!;
  const combo = (i: number) => ({ kind: KINDS[i % KINDS.length]!, grp: `g${i % GROUPS}` });
  const list = (branch: string, input: object) => store.beings.list(beingListSchema.parse({ ...input, branch, limit: 50 }));
  const [tagMain, tagBranch] = await sampleEach(cfg.warmup, cfg.reads, [
    (i) => list("main", { tags_all: [tag(i)] }),
    (i) => list(reader.id, { tags_all: [tag(i)] }),
  ]);
  const [jsonMain, jsonBranch] = await sampleEach(cfg.warmup, cfg.reads, [
    (i) => list("main", { attributes: combo(i) }),
    (i) => list(reader.id, { attributes: combo(i) }),
  ]);
  metrics["tag_filter_main_p50_ms"] = summarize(tagMain!.wall).p50;
  metrics["tag_filter_branch_p50_ms"] = summarize(tagBranch!.wall).p50;
  metrics["jsonb_filter_main_p50_ms"] = summarize(jsonMain!.wall).p50;
  metrics["jsonb_filter_branch_p50_ms"] = summarize(jsonBranch!.wall).p50;
  // In-process CPU per call (PGlite runs in this process): robust to other processes' load on a shared machine.
  metrics["tag_filter_main_cpu_p50_ms"] = summarize(tagMain!.cpu).p50;
  metrics["tag_filter_branch_cpu_p50_ms"] = summarize(tagBranch!.cpu).p50;
  metrics["jsonb_filter_main_cpu_p50_ms"] = summarize(jsonMain!.cpu).p50;
  metrics["jsonb_filter_branch_cpu_p50_ms"] = summarize(jsonBranch!.cpu).p50;
  metrics["tag_filter_overhead_ratio"] = metrics["tag_filter_branch_p50_ms"] / metrics["tag_filter_main_p50_ms"];
  metrics["jsonb_filter_overhead_ratio"] = metrics["jsonb_filter_branch_p50_ms"] / metrics["jsonb_filter_main_p50_ms"];
  // The goal metric: the worse of the two filtered reads.
  metrics["branch_read_overhead_ratio"] = Math.max(metrics["tag_filter_overhead_ratio"], metrics["jsonb_filter_overhead_ratio"]);
  await store.branches.drop(reader.id);

  const merges: number[] = [];
  for (let m = 0; m < cfg.merges; m++) {
    log(`merge ${m + 1}/${cfg.merges}: a branch changing ${cfg.changed} beings`);
    const branch = await store.branches.fork(branchForkSchema.parse({ name: `merge-${m}` }), null);
    await changeInBranch(store, branch.id, souls, cfg.changed, random);
    const t = performance.now();
    const result = await store.branches.merge(branchMergeSchema.parse({ branch: branch.id }));
    merges.push(performance.now() - t);
    if (result.status !== "merged" || result.applied !== cfg.changed)
      throw new Error(`merge ${m} did not apply ${cfg.changed} changes: ${JSON.stringify(result)}`);
  }
  metrics["merge_1k_changed_ms"] = summarize(merges).p50;
  return { metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round(v)])) };
}

export async function run(): Promise<void> {
  const cfg = config();
  const log = (m: string) => console.log(`[branches] ${m}`);
  const results: Record<string, unknown> = {};
  results["pglite"] = await withScratchStore({ kind: "pglite" }, (store) => backend(store, cfg, (m) => log(`pglite: ${m}`)));
  if (cfg.postgresUrl)
    results["postgres"] = await withScratchStore({ kind: "postgres", url: cfg.postgresUrl }, (store) => backend(store, cfg, (m) => log(`postgres: ${m}`)));
  const doc = {
    benchmark: "branches",
    when: new Date().toISOString(),
    machine: machine(),
    config: { ...cfg, out: path.basename(cfg.out), postgresUrl: cfg.postgresUrl ? "(set)" : null },
    goals: GOALS,
    results,
  };
  await mkdir(path.dirname(cfg.out), { recursive: true });
  await writeFile(cfg.out, `${JSON.stringify(doc, null, 2)}\n`);
  const names = Object.keys((results["pglite"] as { metrics: Record<string, number> }).metrics);
  console.log(
    table(
      ["metric", ...Object.keys(results)],
      names.map((n) => [n, ...Object.values(results).map((r) => (r as { metrics: Record<string, number> }).metrics[n] ?? "-")]),
    ),
  );
  console.log(`wrote ${cfg.out}`);
}

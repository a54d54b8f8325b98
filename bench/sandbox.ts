/**
 * `npm run bench -- sandbox` → bench/results/sandbox.json: the Python sandbox in real Chromium (issue 7 §8).
 *
 * - sandbox_cold_start_ms: a fresh browser context's first sandbox, from nothing to a finished call (Pyodide's files
 *   fetched from the server, worker started, Pyodide loaded from scratch, one call), on a page that warms nothing.
 *   sandbox_restart_p50_ms: a new sandbox once the tab has Pyodide's files and its memory snapshot (what a kill, or
 *   the pool's next sandbox, costs).
 * - return_visit_first_call_ms: the first call on a new page of a browser that ran Python before (the Pyodide memory
 *   snapshot comes from Cache Storage: what a returning user sees instead of the cold start).
 * - first_run_prewarmed_ms: the first run a person sees on a function being's page in a fresh browser context, once
 *   the kernel's pool has its spare sandbox warm (the page starts it when it opens).
 * - warm_call_p50_ms: a trivial call on a loaded sandbox, as the owner sees it (postMessage both ways, JSON,
 *   namespace setup, the call). Baseline: the same call's time inside the worker.
 * - execution_chain_depth10_ms: a being that calls a chain of 10 beings through `execution` (each callee's code
 *   and attributes fetched from the master). Baseline: the same 10 nested calls inlined in one source.
 *
 * Needs a built app. Env: BENCH_PORT (3192), BENCH_SAMPLES (200), BENCH_OUT.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/chromium";
import { createApi } from "../e2e/fixtures";
import { spawnServer } from "../e2e/spawnServer";
import type { Runnable } from "../lib/sandbox/protocol";
import { machine, quantile, round } from "./lib/stats";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CHAIN = 10;

const being = (soul: string, source: string): Runnable => ({ soul, name: "bench", version: 1, source, attributes: {}, capabilities: ["execution"] });

/** Runs one call in the page's sandbox; answers [owner ms, in-worker ms]. */
async function call(page: Page, b: Runnable): Promise<[number, number]> {
  return page.evaluate(async (b) => {
    const t0 = performance.now();
    const outcome = await window.luxosSandbox!.run(b, { timeLimitMs: 30_000 });
    const wall = performance.now() - t0;
    if (!outcome.ok) throw new Error(`${outcome.error.type}: ${outcome.error.message}`);
    return [wall, outcome.calls.reduce((max, c) => Math.max(max, c.ms), 0)] as [number, number];
  }, b);
}

export async function run(): Promise<void> {
  const load = loadavg()[0];
  const port = env("BENCH_PORT", 3192);
  const samples = env("BENCH_SAMPLES", 200);
  const out = process.env["BENCH_OUT"] || fileURLToPath(new URL("./results/sandbox.json", import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), "luxos-bench-sandbox-"));
  const server = await spawnServer({ port, dataDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const api = createApi(server.url);
    // A chain of beings: link i calls link i + 1; the last answers 0. Created from the end.
    let next: string | null = null;
    for (let i = CHAIN; i >= 1; i--) {
      const source: string = next ? `def function(n=0):\n    return execution("${next}", n=n) + 1\n` : "def function(n=0):\n    return n\n";
      next = (await api.genesis.create.mutate({ name: `link-${i}`, source })).soul;
    }
    const head = next!;
    const trivial = being(head, "def function(x=1):\n    return x + 1\n");
    // A fresh context on the beings list: nothing there warms a sandbox, so the first run is truly cold.
    const page = await (await browser.newContext({ baseURL: server.url })).newPage();
    await page.goto("/beings");
    await page.waitForFunction(() => typeof window.luxosSandbox === "object");
    const [cold] = await call(page, trivial);
    console.log(`cold start (first call in a fresh context): ${round(cold)} ms`);

    // Another fresh context, on the function being's page: the kernel warms its spare while the person reads.
    const prewarmedPage = await (await browser.newContext({ baseURL: server.url })).newPage();
    await prewarmedPage.goto(`/beings/${head}`);
    await prewarmedPage.waitForFunction(() => typeof window.luxosSandbox === "object");
    const warmedUp = await prewarmedPage.evaluate(() => window.luxosSandbox!.prewarm());
    if (!warmedUp) throw new Error("the kernel's spare sandbox did not load");
    const [prewarmed] = await call(prewarmedPage, trivial);
    console.log(`first run with the pool prewarmed: ${round(prewarmed)} ms`);
    await prewarmedPage.context().close();
    // The first start had no snapshot, so one is made in the background (off the user's path) and kept in Cache Storage.
    if (!(await page.evaluate(() => window.luxosSandbox!.snapshotReady()))) throw new Error("the Pyodide memory snapshot was not made");
    // A return visit: a new page in the same browser context starts from the snapshot Cache Storage kept.
    const returning = await page.context().newPage();
    await returning.goto("/beings");
    await returning.waitForFunction(() => typeof window.luxosSandbox === "object");
    const [returnVisit] = await call(returning, trivial);
    await returning.close();
    console.log(`first call on a return visit (snapshot from Cache Storage): ${round(returnVisit)} ms`);
    const restarts: number[] = [];
    for (let i = 0; i < 5; i++) restarts.push(await page.evaluate(() => window.luxosSandbox!.coldStart()));
    console.log(`restarts: ${restarts.map(round).join(", ")} ms`);

    const owner: number[] = [];
    const inside: number[] = [];
    for (let i = 0; i < 20; i++) await call(page, trivial);
    for (let i = 0; i < samples; i++) {
      const [w, p] = await call(page, trivial);
      owner.push(w);
      inside.push(p);
    }
    console.log(`warm call p50 ${round(quantile(owner, 0.5))} ms (inside ${round(quantile(inside, 0.5))} ms)`);

    const inlined = being(
      head,
      `${Array.from({ length: CHAIN }, (_, i) => `def link${i + 1}(n=0):\n    return ${i + 1 < CHAIN ? `link${i + 2}(n) + 1` : "n"}\n`).join("")}def function(n=0):\n    return link1(n)\n`,
    );
    const chain: number[] = [];
    const flat: number[] = [];
    const caller = being(head, `def function():\n    return execution("${head}")\n`);
    // NOTE: the head itself is the chain's first link; a caller with another soul starts it.
    caller.soul = "00000000-0000-4000-8000-00000000b0b0";
    for (let i = 0; i < 3; i++) await call(page, caller);
    for (let i = 0; i < 20; i++) {
      chain.push((await call(page, caller))[0]);
      flat.push((await call(page, inlined))[0]);
    }
    console.log(`chain of ${CHAIN}: p50 ${round(quantile(chain, 0.5))} ms; inlined ${round(quantile(flat, 0.5))} ms`);

    const result = {
      bench: "sandbox",
      at: new Date().toISOString(),
      machine: machine(),
      load_average_at_start: load,
      load_average_at_end: loadavg()[0],
      sandbox_cold_start_ms: round(cold),
      first_run_prewarmed_ms: round(prewarmed),
      return_visit_first_call_ms: round(returnVisit),
      sandbox_restart_p50_ms: round(quantile(restarts, 0.5)),
      warm_call_p50_ms: round(quantile(owner, 0.5)),
      warm_call_p95_ms: round(quantile(owner, 0.95)),
      warm_call_inside_worker_p50_ms: round(quantile(inside, 0.5)),
      warm_call_overhead_ratio: round(quantile(owner, 0.5) / Math.max(quantile(inside, 0.5), 0.001)),
      execution_chain_depth10_ms: round(quantile(chain, 0.5)),
      inlined_chain_depth10_ms: round(quantile(flat, 0.5)),
      chain_vs_inlined_ratio: round(quantile(chain, 0.5) / Math.max(quantile(flat, 0.5), 0.001)),
      chain_note: "each execution fetches the callee's record from the master over tRPC (genesis.get), then runs it in the same interpreter",
      samples,
      cold_start_note:
        "cold = a fresh context's first sandbox (no files, no snapshot; the snapshot is then made in the background); return visit = a new page of the same browser, starting from the snapshot kept in Cache Storage; restarts start from the tab's snapshot; warm calls go through the kernel's CPU queue",
      goals: { sandbox_cold_start_ms: "<= 2000", warm_call_p50_ms: "<= 5" },
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    await server.stop().catch(() => server.kill());
    rmSync(dataDir, { recursive: true, force: true });
  }
}

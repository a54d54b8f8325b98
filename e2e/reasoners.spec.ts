/**
 * Beings reason with the other reasoners (M3.5), in real Chromium against a real server:
 * - the OpenAI-compatible endpoint: a fake one started here; the being's worker asks the master's
 *   `reasoning.complete`, the master calls the fake with the key, and the key never reaches the browser;
 * - WebLLM: there is no WebGPU here (`--disable-gpu`), so the being says so and runs the deterministic reasoner.
 * This spec runs its own server, because the endpoint is configured by environment (LUXOS_LLM_URL).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { completion, startFakeOpenAi } from "../server/llm/testing";
import { expect, spawnInSwarm, test } from "./fixtures";
import { spawnServer, type LuxosServer } from "./spawnServer";

const PORT = Number(process.env["E2E_PORT"] ?? 3100) + 2;
const API_KEY = "sk-e2e-never-in-the-browser-4f1d";
const MODEL = "fake-model-e2e";
/** What the fake model plans: words no template writes, so finding them proves where the plan came from. */
const FAKE_STEP = "consult the fake oracle zebra-7";
const FAKE_PLAN = JSON.stringify({
  steps: [
    { action: "ask_master", text: FAKE_STEP },
    { action: "remember", text: "keep what the oracle said" },
  ],
});

let dataDir = "";
let server: LuxosServer | undefined;
let fake: Awaited<ReturnType<typeof startFakeOpenAi>> | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "luxos-e2e-reasoners-"));
  fake = await startFakeOpenAi();
  fake.answer = (_req, res) => completion(res, FAKE_PLAN);
  server = await spawnServer({ port: PORT, dataDir, env: { LUXOS_LLM_URL: fake.url, LUXOS_LLM_API_KEY: API_KEY, LUXOS_LLM_MODEL: MODEL } });
});

test.afterAll(async () => {
  if (server) await server.stop().catch(() => server?.kill());
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a being on the OpenAI-compatible reasoner plans through the master's proxy; the key stays on the server", async ({ page, context, unique }) => {
  const seenByBrowser: { url: string; headers: Record<string, string>; body: string }[] = [];
  context.on("request", (request) => seenByBrowser.push({ url: request.url(), headers: request.headers(), body: request.postData() ?? "" }));

  await page.goto(`${server!.url}/swarm`);
  const option = page.getByTestId("spawn-reasoner-openai");
  await expect(option).toHaveAttribute("data-available", "true");
  await expect(option).toContainText("proxied by the master");
  const name = unique("Oracle");
  const soul = await spawnInSwarm(page, name, { reasoner: "openai", goal: "learn about zebras" });

  const card = page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`);
  await expect(card.getByTestId("being-reasoner")).toContainText(`openai_compatible:${MODEL}`);
  await expect(card.getByTestId("being-reasoner")).not.toContainText("fell back");

  // The master called the fake with the key (the browser cannot have: it never had it).
  await expect.poll(() => fake!.seen.filter((r) => r.url === "/v1/chat/completions").length).toBeGreaterThanOrEqual(1);
  const call = fake!.seen.find((r) => r.url === "/v1/chat/completions")!;
  expect(call.headers["authorization"]).toBe(`Bearer ${API_KEY}`);
  expect(call.headers["user-agent"] ?? "").not.toMatch(/Chrome|Chromium|HeadlessChrome/u);
  expect(JSON.stringify(call.body)).toContain("learn about zebras");

  // The plan the being stored is the fake model's.
  await page.goto(`${server!.url}/beings/${soul}`);
  const panel = page.getByTestId("micro-world-panel");
  await expect(panel.getByTestId("table-memories")).toBeVisible();
  await panel.getByTestId("sql-input").fill("SELECT text, data FROM memories WHERE kind = 'plan' ORDER BY id LIMIT 1");
  await panel.getByTestId("sql-run").click();
  await expect(panel.getByTestId("sql-result")).toContainText(FAKE_STEP);

  // The browser's side: the being's worker went to the master (same origin), never to the endpoint, and nothing carried the key.
  expect(seenByBrowser.some((r) => r.url.startsWith(`${server!.url}/api/trpc/reasoning.complete`))).toBe(true);
  expect(seenByBrowser.filter((r) => r.url.startsWith(fake!.url.replace(/\/v1$/u, "")))).toEqual([]);
  for (const request of seenByBrowser) {
    expect(JSON.stringify(request.headers), request.url).not.toContain(API_KEY);
    expect(request.body, request.url).not.toContain(API_KEY);
    expect(request.url).not.toContain(API_KEY);
  }
  const html = await page.content();
  expect(html).not.toContain(API_KEY);
});

test("a being on WebLLM without WebGPU says so and runs the deterministic reasoner", async ({ page, unique }) => {
  await page.goto(`${server!.url}/swarm`);
  const option = page.getByTestId("spawn-reasoner-webllm");
  await expect(option).toHaveAttribute("data-available", "false");
  await expect(option).toContainText("no WebGPU adapter");
  const soul = await spawnInSwarm(page, unique("Gpuless"), { reasoner: "webllm", goal: "learn about graphics cards" });
  const reasoner = page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`).getByTestId("being-reasoner");
  await expect(reasoner).toContainText("deterministic");
  await expect(reasoner).toHaveAttribute("title", /asked for WebLLM, which cannot run here: no WebGPU/u);
  await expect(reasoner).toHaveAttribute("title", /fell back to the deterministic reasoner/u);
});

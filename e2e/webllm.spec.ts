/**
 * WebLLM loads its model from our own server, never from the internet (M3.5), in real Chromium.
 * There is no GPU here: with `--enable-unsafe-webgpu` Chromium offers SwiftShader's software adapter,
 * which is enough for WebLLM to start loading. The model folder holds a config and a library but no
 * weights, so the load fails after its first requests: this spec follows it up to our `/models/` route.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium";
import { expect, spawnInSwarm, test } from "./fixtures";
import { spawnServer, type LuxosServer } from "./spawnServer";

const PORT = Number(process.env["E2E_PORT"] ?? 3100) + 3;
/** f32 weights: a software adapter has no `shader-f16`. */
const MODEL = "Tiny-q4f32_1-MLC";

let dataDir = "";
let server: LuxosServer | undefined;
let browser: Browser | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "luxos-e2e-webllm-"));
  const modelDir = path.join(dataDir, "models", MODEL);
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(
    path.join(modelDir, "mlc-chat-config.json"),
    JSON.stringify({ model_type: "llama", vocab_size: 32, context_window_size: 64, tokenizer_files: ["tokenizer.json"] }),
  );
  writeFileSync(path.join(modelDir, "Tiny-q4f32_1-webgpu.wasm"), Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  server = await spawnServer({ port: PORT, dataDir, env: { LUXOS_MODELS_DIR: path.join(dataDir, "models") } });
  const args = CHROMIUM_ARGS.filter((a) => a !== "--disable-gpu");
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...args, "--enable-unsafe-webgpu"] });
});

test.afterAll(async () => {
  await browser?.close();
  if (server) await server.stop().catch(() => server?.kill());
  rmSync(dataDir, { recursive: true, force: true });
});

test("a WebLLM being asks our /models/ route for its model, and nothing else outside this server", async ({ unique }) => {
  const context = await browser!.newContext();
  const requested: string[] = [];
  context.on("request", (request) => requested.push(request.url()));
  const page = await context.newPage();
  await page.goto(`${server!.url}/swarm`);
  const adapter = await page.evaluate(async () =>
    Boolean(await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()),
  );
  test.skip(!adapter, "this Chromium offers no WebGPU adapter, not even the software one");

  const option = page.getByTestId("spawn-reasoner-webllm");
  await expect(option).toHaveAttribute("data-available", "true");
  const soul = await spawnInSwarm(page, unique("Local mind"), { reasoner: "webllm", goal: "learn about lighthouses" });
  const card = page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`);
  await expect(card.getByTestId("being-reasoner")).toContainText("webllm");

  // The first plan loads the model: WebLLM asks for its config under /models/<id>/.
  await expect.poll(() => requested.filter((url) => url.startsWith(`${server!.url}/models/${MODEL}/`)), { timeout: 60_000 }).not.toEqual([]);
  const elsewhere = requested.filter((url) => !url.startsWith(server!.url) && !url.startsWith("blob:") && !url.startsWith("data:"));
  expect(elsewhere).toEqual([]);
  await context.close();
});

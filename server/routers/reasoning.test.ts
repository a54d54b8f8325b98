import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiCompatibleReasoner } from "../../lib/reason/createOpenAiCompatibleReasoner";
import { ReasonerError } from "../../lib/reason/ReasonerError";
import { costOf } from "../../lib/tiki";
import type { MasterStore } from "../db/store";
import { createApiHandler } from "../http/apiHandler";
import type { LlmEndpoint, ReasoningConfig } from "../llm/config";
import { closedPort, completion, json, startFakeOpenAi } from "../llm/testing";
import type { LedgerEntry } from "../../lib/tikiLedger";
import { createCaller } from "../root";
import { createContext } from "../trpc";
import { failure } from "./testing";

// NOTE: the reasoning procedures touch the master store only for the Tiki ledger; a stand-in that keeps
// the entries keeps these tests free of PGlite.
const ledger: LedgerEntry[] = [];
const NO_STORE = {
  tiki: {
    assertAffordable: () => Promise.resolve(),
    record: (entries: LedgerEntry[]) => (ledger.push(...entries), Promise.resolve({ recorded: entries.length, duplicates: 0 })),
  },
} as unknown as MasterStore;
const KEY = "sk-test-secret-key-0123456789";

const caller = (reasoning: ReasoningConfig) => createCaller(createContext(NO_STORE, { reasoning }));
const ask = { messages: [{ role: "user" as const, content: "Say hello" }] };

describe("reasoning.complete against an OpenAI-compatible server", () => {
  let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let endpoint: LlmEndpoint;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
    endpoint = { url: fake.url, apiKey: KEY, model: "fake-model", timeoutMs: 2_000 };
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fake.seen.splice(0);
    fake.answer = (_req, res) => completion(res, "Hello from the fake model.");
  });

  it("posts to /chat/completions with the key and model, and answers text, usage and Tiki", async () => {
    const out = await caller({ llm: endpoint }).reasoning.complete({ ...ask, max_tokens: 32, temperature: 0.1 });
    expect(out).toEqual({
      text: "Hello from the fake model.",
      finish_reason: "stop",
      model: "fake-model",
      usage: { prompt_tokens: 12, completion_tokens: 6, estimated: false },
      latency_ms: expect.any(Number),
      tiki: costOf({ kind: "llm", provider: "openai_compatible", tokensIn: 12, tokensOut: 6 }).tiki,
    });
    expect(fake.seen).toHaveLength(1);
    expect(ledger.at(-1)).toMatchObject({ branch: "main", kind: "reasoner", provider: "openai_compatible", tiki: out.tiki, detail: { prompt_tokens: 12 } });
    const [seen] = fake.seen;
    expect(seen).toMatchObject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    });
    expect(seen!.body).toEqual({ model: "fake-model", messages: ask.messages, max_tokens: 32, temperature: 0.1, stream: false });
  });

  it("applies the defaults, estimates tokens the server did not count, and reports a cut answer", async () => {
    fake.answer = (_req, res) => completion(res, "abcdefgh", { finish_reason: "length", usage: null });
    const out = await caller({ llm: { url: fake.url, timeoutMs: 2_000 } }).reasoning.complete(ask);
    expect(out).toMatchObject({ text: "abcdefgh", finish_reason: "length", usage: { prompt_tokens: 3, completion_tokens: 2, estimated: true } });
    expect(fake.seen[0]!.body).toEqual({ messages: ask.messages, max_tokens: 256, temperature: 0.7, stream: false });
    expect(fake.seen[0]!.headers.authorization).toBeUndefined();
  });

  it("maps an error status to BAD_GATEWAY quoting the endpoint's words", async () => {
    fake.answer = (_req, res) => json(res, 500, { error: { message: "model crashed", type: "server_error" } });
    const error = await failure(caller({ llm: endpoint }).reasoning.complete(ask));
    expect(error.code).toBe("BAD_GATEWAY");
    expect(error.message).toBe(`the LLM endpoint at ${fake.url} answered 500: "model crashed".`);
  });

  it("names the key variable on 401, without ever showing the key", async () => {
    fake.answer = (req, res) => json(res, 401, { error: `bad key ${String(req.headers.authorization).length} chars` });
    const error = await failure(caller({ llm: endpoint }).reasoning.complete(ask));
    expect(error.code).toBe("BAD_GATEWAY");
    expect(error.message).toMatch(/refused the request \(401\).*LUXOS_LLM_API_KEY/u);
    expect(error.message).not.toContain(KEY);
  });

  it("suggests LUXOS_LLM_MODEL when the server wants a model", async () => {
    fake.answer = (_req, res) => json(res, 400, { error: "model is required" });
    const error = await failure(caller({ llm: { url: fake.url, timeoutMs: 2_000 } }).reasoning.complete(ask));
    expect(error.message).toMatch(/model is required.*LUXOS_LLM_MODEL/su);
  });

  it.each([
    [
      "a body that is not JSON",
      (res: Parameters<typeof fake.answer>[1]) => res.writeHead(200, { "content-type": "text/html" }).end("<html>oops</html>"),
      /not JSON: "<html>oops<\/html>"/,
    ],
    [
      "JSON that is not a chat completion",
      (res: Parameters<typeof fake.answer>[1]) => json(res, 200, { choices: [] }),
      /not an OpenAI chat completion \(choices: no choices\)/,
    ],
    ["a choice without a message", (res: Parameters<typeof fake.answer>[1]) => json(res, 200, { choices: [{ text: "legacy" }] }), /choices\.0\.message/],
    [
      "an answer over the size cap",
      (res: Parameters<typeof fake.answer>[1]) => res.writeHead(200, { "content-type": "application/json" }).end("x".repeat(5 * 1024 * 1024)),
      /more than 4 MB/,
    ],
  ])("refuses %s with BAD_GATEWAY", async (_label, answer, message) => {
    fake.answer = (_req, res) => answer(res);
    const error = await failure(caller({ llm: endpoint }).reasoning.complete(ask));
    expect(error.code).toBe("BAD_GATEWAY");
    expect(error.message).toMatch(message);
  });

  it("gives up after the timeout with GATEWAY_TIMEOUT", async () => {
    fake.answer = () => undefined; // never answers
    const started = performance.now();
    const error = await failure(caller({ llm: { ...endpoint, timeoutMs: 300 } }).reasoning.complete(ask));
    expect(error.code).toBe("GATEWAY_TIMEOUT");
    expect(error.message).toMatch(/did not answer within 0\.3 s.*LUXOS_LLM_TIMEOUT_MS/u);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("answers SERVICE_UNAVAILABLE when nothing listens there", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const error = await failure(caller({ llm: { url, timeoutMs: 2_000 } }).reasoning.complete(ask));
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(error.message).toBe(`the LLM endpoint at ${url} did not answer (ECONNREFUSED). Is it running? Check LUXOS_LLM_URL.`);
  });

  it("answers PRECONDITION_FAILED naming the variable when no endpoint is configured", async () => {
    const error = await failure(caller({}).reasoning.complete(ask));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/set LUXOS_LLM_URL/);
  });

  it("refuses input beyond the caps before calling anyone", async () => {
    const api = caller({ llm: endpoint });
    expect((await failure(api.reasoning.complete({ ...ask, max_tokens: 100_000 }))).message).toMatch(/max_tokens is at most 4096/);
    expect((await failure(api.reasoning.complete({ messages: [] }))).message).toMatch(/at least one message/);
    expect((await failure(api.reasoning.complete({ messages: [{ role: "system", content: "x" }] }))).message).toMatch(/at least one user message/);
    expect((await failure(api.reasoning.complete({ ...ask, temperature: 3 }))).code).toBe("BAD_REQUEST");
    expect(fake.seen).toHaveLength(0);
  });

  it("drives the page's openai_compatible reasoner end to end, errors becoming ReasonerErrors", async () => {
    const api = caller({ llm: endpoint });
    const reasoner = createOpenAiCompatibleReasoner({
      model: "fake-model",
      complete: (input) => api.reasoning.complete(input),
      available: async () => {
        const status = await api.reasoning.status();
        return status.reasoners.find((r) => r.kind === "openai_compatible")!;
      },
    });
    expect(await reasoner.available()).toMatchObject({ ok: true });
    expect((await reasoner.complete([{ role: "user", content: "hi" }])).usage).toMatchObject({ provider: "openai_compatible", tokensIn: 12, tokensOut: 6 });
    fake.answer = () => undefined;
    const slow = createOpenAiCompatibleReasoner({
      complete: (input) => caller({ llm: { ...endpoint, timeoutMs: 200 } }).reasoning.complete(input),
      available: () => Promise.resolve({ ok: true, why: "" }),
    });
    const error: unknown = await slow.complete([{ role: "user", content: "hi" }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReasonerError);
    expect((error as ReasonerError).reason).toBe("timeout");
  });
});

describe("reasoning.status and reasoning.models", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "luxos-reasoning-"));
    await mkdir(path.join(root, "models", "Ready-MLC"), { recursive: true });
    await writeFile(path.join(root, "models", "Ready-MLC", "mlc-chat-config.json"), "{}");
    await writeFile(path.join(root, "models", "Ready-MLC", "ready-webgpu.wasm"), "w");
    await mkdir(path.join(root, "models", "Incomplete-MLC"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("offers only the deterministic reasoner when nothing is configured, and says what to set", async () => {
    const status = await caller({}).reasoning.status();
    expect(status.reasoners.map((r) => [r.kind, r.ok])).toEqual([
      ["deterministic", true],
      ["webllm", false],
      ["openai_compatible", false],
    ]);
    expect(status.reasoners[2]!.why).toMatch(/LUXOS_LLM_URL/);
    expect(status).toMatchObject({ llm: { configured: false, endpoint: null, reachable: null }, models_dir: { path: null, exists: false }, models: [] });
  });

  it("lists the model folders and offers WebLLM for the complete ones", async () => {
    const modelsDir = path.join(root, "models");
    const api = caller({ modelsDir });
    const status = await api.reasoning.status();
    expect(status.models).toEqual(["Ready-MLC"]);
    expect(status.reasoners[1]).toMatchObject({ kind: "webllm", ok: true, why: expect.stringMatching(/Ready-MLC.*WebGPU/u) });
    expect(status.models_dir).toEqual({ path: modelsDir, exists: true });
    const listing = await api.reasoning.models();
    expect(listing).toEqual({
      dir: modelsDir,
      exists: true,
      hint: null,
      models: [
        { id: "Incomplete-MLC", bytes: 0, files: 0, has_config: false, libs: [] },
        { id: "Ready-MLC", bytes: 3, files: 2, has_config: true, libs: ["ready-webgpu.wasm"] },
      ],
    });
    const empty = await caller({ modelsDir: path.join(root, "none") }).reasoning.models();
    expect(empty).toMatchObject({ exists: false, models: [], hint: expect.stringMatching(/LUXOS_MODELS_DIR/) });
  });

  it("probes the endpoint when asked", async () => {
    const fake = await startFakeOpenAi();
    try {
      fake.answer = (_req, res) => json(res, 200, { object: "list", data: [] });
      const up = await caller({ llm: { url: fake.url, timeoutMs: 1_000, apiKey: KEY } }).reasoning.status({ probe: true });
      expect(up.llm).toEqual({ configured: true, endpoint: fake.url, model: null, reachable: true });
      expect(fake.seen[0]).toMatchObject({ method: "GET", url: "/v1/models" });
      expect(JSON.stringify(up)).not.toContain(KEY);
    } finally {
      await fake.close();
    }
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const down = await caller({ llm: { url, timeoutMs: 1_000 } }).reasoning.status({ probe: true });
    expect(down.llm.reachable).toBe(false);
    expect(down.reasoners[2]).toMatchObject({ ok: false, why: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe("reasoning over HTTP (createApiHandler)", () => {
  let root: string;
  let server: Server;
  let base = "";
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "luxos-reasoning-http-"));
    await mkdir(path.join(root, "M-MLC"));
    await writeFile(path.join(root, "M-MLC", "mlc-chat-config.json"), '{"ok":true}');
    const handle = createApiHandler({ store: NO_STORE, reasoning: { modelsDir: root } });
    server = createServer((req, res) => {
      void handle(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it("serves /models/ and answers the reasoning procedures as plain JSON", async () => {
    const file = await fetch(`${base}/models/M-MLC/mlc-chat-config.json`);
    expect(file.status).toBe(200);
    expect(await file.json()).toEqual({ ok: true });
    const status = (await (await fetch(`${base}/api/trpc/reasoning.status`)).json()) as { result: { data: { models_dir: { exists: boolean } } } };
    expect(status.result.data.models_dir.exists).toBe(true);
    const complete = await fetch(`${base}/api/trpc/reasoning.complete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask),
    });
    expect(complete.status).toBe(412);
    expect(((await complete.json()) as { error: { message: string } }).error.message).toMatch(/LUXOS_LLM_URL/);
  });
});

import { expose } from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { createWebLlmReasoner } from "../../lib/reason/createWebLlmReasoner";
import type { LlmChatRequest, LlmLoadRequest, LlmProgress } from "../../lib/reason/llmWorkerProtocol";
import { ReasonerError } from "../../lib/reason/ReasonerError";
import { createLlmHost, type EngineProgress, type GpuAdapterLike, type LlmEngine, type LlmHostDeps } from "./createLlmHost";
import { connectLlmWorker } from "./connectLlmWorker";

const MODEL: LlmLoadRequest = { model: { id: "Tiny-q4f32_1-MLC", lib: "tiny-webgpu" }, origin: "http://127.0.0.1:3000" };
const F16: LlmLoadRequest = { model: { id: "Tiny-q4f16_1-MLC", lib: "tiny-webgpu" }, origin: "http://127.0.0.1:3000" };

/** A fake WebLLM engine: answers `reply to: <last message>` after `delayMs`, counts overlapping generations. */
function fakeEngine(delayMs = 5) {
  const state = { active: 0, maxActive: 0, reloads: [] as string[], interrupted: 0, unloaded: 0, failReload: undefined as string | undefined };
  let interrupt: (() => void) | undefined;
  let progress: (r: EngineProgress) => void = () => undefined;
  const engine: LlmEngine = {
    setAppConfig: () => undefined,
    async reload(id) {
      state.reloads.push(id);
      progress({ progress: 0.5, text: "Fetching param cache[1/2]" });
      await new Promise((r) => setTimeout(r, 1));
      if (state.failReload) throw new Error(state.failReload);
      progress({ progress: 1, text: "Finish loading" });
    },
    async chatCompletion({ messages }) {
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      const aborted = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), delayMs);
        interrupt = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      state.active--;
      const last = messages.at(-1)?.content ?? "";
      return {
        choices: [{ message: { content: aborted ? "partial" : `reply to: ${last}` }, finish_reason: aborted ? "abort" : "stop" }],
        usage: { prompt_tokens: last.length, completion_tokens: 3 },
      };
    },
    interruptGenerate: () => {
      state.interrupted++;
      interrupt?.();
    },
    unload: () => Promise.resolve(void state.unloaded++),
  };
  return {
    state,
    create: (_config: unknown, onProgress: (r: EngineProgress) => void) => {
      progress = onProgress;
      return Promise.resolve(engine);
    },
  };
}

const ADAPTER: GpuAdapterLike = { features: { has: () => false }, info: { vendor: "google", architecture: "swiftshader", isFallbackAdapter: true } };

function deps(overrides: Partial<LlmHostDeps> = {}, engine = fakeEngine()): LlmHostDeps {
  return {
    gpu: () => ({ requestAdapter: () => Promise.resolve(ADAPTER) }),
    createEngine: engine.create,
    fetch: () => Promise.resolve(new Response(null, { status: 200 })),
    now: () => performance.now(),
    ...overrides,
  };
}

const chat = (id: string, content: string): LlmChatRequest => ({ id, load: MODEL, messages: [{ role: "user", content }], maxTokens: 16, temperature: 0 });

describe("createLlmHost", () => {
  it("is not available without an adapter, and says exactly why", async () => {
    expect(await createLlmHost(deps({ gpu: () => ({ requestAdapter: () => Promise.resolve(null) }) })).detect()).toEqual({
      ok: false,
      why: "no WebGPU adapter",
    });
    expect((await createLlmHost(deps({ gpu: () => undefined })).detect()).why).toMatch(/navigator\.gpu is missing/);
    const host = createLlmHost(deps({ gpu: () => ({ requestAdapter: () => Promise.resolve(null) }) }));
    const result = await host.chat(chat("1", "hi"));
    expect(result).toEqual({ ok: false, error: { reason: "unavailable", message: "no WebGPU adapter" } });
  });

  it("names a missing GPU feature and missing files on the server", async () => {
    expect((await createLlmHost(deps()).detect(F16)).why).toMatch(/needs the GPU feature shader-f16/);
    const urls: string[] = [];
    const host = createLlmHost(
      deps({
        fetch: (input) => {
          const url = input instanceof Request ? input.url : input.toString();
          urls.push(url);
          return Promise.resolve(new Response(null, { status: url.endsWith(".wasm") ? 404 : 200 }));
        },
      }),
    );
    const { ok, why } = await host.detect(MODEL);
    expect(ok).toBe(false);
    expect(why).toMatch(/no model library for Tiny-q4f32_1-MLC .*LUXOS_MODELS_DIR\/Tiny-q4f32_1-MLC\//u);
    expect(urls).toEqual([
      "http://127.0.0.1:3000/models/Tiny-q4f32_1-MLC/mlc-chat-config.json",
      "http://127.0.0.1:3000/models/Tiny-q4f32_1-MLC/tiny-webgpu.wasm",
    ]);
    const down = createLlmHost(deps({ fetch: () => Promise.reject(new TypeError("fetch failed")) }));
    expect((await down.detect(MODEL)).why).toMatch(/did not answer/);
  });

  it("is available with an adapter and the files, and says the adapter is a slow fallback", async () => {
    const { ok, why } = await createLlmHost(deps()).detect(MODEL);
    expect(ok).toBe(true);
    expect(why).toMatch(/google swiftshader.*software fallback.*Tiny-q4f32_1-MLC/u);
  });

  it("runs concurrent requests one at a time, loading the model once, in order", async () => {
    const engine = fakeEngine();
    const host = createLlmHost(deps({}, engine));
    const replies = await Promise.all(["a", "b", "c", "d"].map((x) => host.chat(chat(x, x))));
    expect(replies.map((r) => (r.ok ? r.value.text : r.error.message))).toEqual(["reply to: a", "reply to: b", "reply to: c", "reply to: d"]);
    expect(engine.state.maxActive).toBe(1);
    expect(engine.state.reloads).toEqual(["Tiny-q4f32_1-MLC"]);
    expect(replies[0]).toMatchObject({ ok: true, value: { tokensIn: 1, tokensOut: 3, finishReason: "stop" } });
    expect(await host.status()).toMatchObject({ model: "Tiny-q4f32_1-MLC", running: null, queued: 0 });
  });

  it("reports loading progress to subscribers until ready, and stops after unsubscribe", async () => {
    const host = createLlmHost(deps());
    const seen: LlmProgress[] = [];
    const id = await host.subscribe((p) => seen.push(p));
    expect(await host.load(MODEL)).toMatchObject({ ok: true, value: { modelId: "Tiny-q4f32_1-MLC" } });
    expect(seen.map((p) => p.phase)).toEqual(["loading", "loading", "loading", "ready"]);
    expect(seen.map((p) => p.fraction)).toEqual([0, 0.5, 1, 1]);
    expect(seen[1]!.text).toMatch(/Fetching/);
    await host.unsubscribe(id);
    await host.unload();
    await host.load(MODEL);
    expect(seen).toHaveLength(4);
  });

  it("reports a failed load with the server's address", async () => {
    const engine = fakeEngine();
    engine.state.failReload = "Failed to fetch";
    const host = createLlmHost(deps({}, engine));
    const seen: LlmProgress[] = [];
    await host.subscribe((p) => seen.push(p));
    const result = await host.load(MODEL);
    expect(result).toEqual({
      ok: false,
      error: {
        reason: "failed",
        message: expect.stringMatching(/could not load Tiny-q4f32_1-MLC from http:\/\/127\.0\.0\.1:3000\/models\/Tiny-q4f32_1-MLC\/: Failed to fetch/),
      },
    });
    expect(seen.at(-1)).toMatchObject({ phase: "failed" });
  });

  it("cancels a queued request without running it, and interrupts a running one", async () => {
    const engine = fakeEngine(50);
    const host = createLlmHost(deps({}, engine));
    const first = host.chat(chat("first", "one"));
    const second = host.chat(chat("second", "two"));
    const third = host.chat(chat("third", "three"));
    expect(await host.cancel("second")).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(await host.cancel("first")).toBe(true);
    expect(await first).toMatchObject({ ok: false, error: { reason: "aborted" } });
    expect(await second).toMatchObject({ ok: false, error: { reason: "aborted" } });
    expect(await third).toMatchObject({ ok: true, value: { text: "reply to: three" } });
    expect(engine.state.interrupted).toBe(1);
    expect(engine.state.maxActive).toBe(1);
    expect(await host.cancel("nope")).toBe(false);
  });

  it("closes idempotently, refusing later requests", async () => {
    const engine = fakeEngine();
    const host = createLlmHost(deps({}, engine));
    await host.load(MODEL);
    await host.close();
    await host.close();
    expect(engine.state.unloaded).toBe(1);
    expect(await host.chat(chat("late", "x"))).toMatchObject({ ok: false, error: { reason: "unavailable" } });
  });
});

describe("the page's reasoner over comlink, against the real host", () => {
  const channels: MessageChannel[] = [];
  afterEach(() => {
    for (const c of channels.splice(0)) {
      c.port1.close();
      c.port2.close();
    }
  });

  function connect(engine = fakeEngine(20)) {
    const channel = new MessageChannel();
    channels.push(channel);
    expose(createLlmHost(deps({}, engine)), channel.port2);
    return { engine, api: connectLlmWorker(channel.port1).api };
  }

  it("answers, streams progress to onProgress, and cancels through an AbortSignal", async () => {
    // NOTE: each completion takes 200 ms, and the abort waits until "long" is in the engine: a busy machine cannot finish it first.
    const { engine, api } = connect(fakeEngine(200));
    const reasoner = createWebLlmReasoner({ worker: api, model: MODEL.model, origin: MODEL.origin });
    expect(await reasoner.available()).toMatchObject({ ok: true });
    const progress: LlmProgress[] = [];
    const stop = reasoner.onProgress((p) => progress.push(p));
    await reasoner.load();
    await new Promise((r) => setTimeout(r, 20));
    expect(progress.at(-1)).toMatchObject({ phase: "ready", fraction: 1 });
    stop();

    const completion = await reasoner.complete([{ role: "user", content: "hello" }]);
    expect(completion).toMatchObject({ text: "reply to: hello", usage: { provider: "webllm", tokensIn: 5, tokensOut: 3, estimated: false } });

    const controller = new AbortController();
    const running = reasoner.complete([{ role: "user", content: "long" }], { signal: controller.signal });
    const waiting = reasoner.complete([{ role: "user", content: "after" }]);
    await expect.poll(() => engine.state.active).toBe(1);
    controller.abort();
    const error: unknown = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReasonerError);
    expect((error as ReasonerError).reason).toBe("aborted");
    expect((await waiting).text).toBe("reply to: after");
    expect(engine.state.maxActive).toBe(1);
  });
});

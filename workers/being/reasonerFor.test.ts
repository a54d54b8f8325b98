import { afterEach, describe, expect, it, vi } from "vitest";
import type { Availability, LlmChatRequest, LlmProgress, LlmWorkerApi } from "../../lib/reason";
import { llmOverPort, serveLlmPort } from "./llmPort";
import { reasonerFor } from "./reasonerFor";

const PLAN = JSON.stringify({ steps: [{ action: "ask_master", text: "ask the fake model" }] });

/** A stand-in for the master's tRPC endpoints, as a being's worker fetches them. */
function fakeMaster({ llm = true, models = [] as { id: string; has_config: boolean; libs: string[] }[] } = {}) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const ok = (data: unknown) => new Response(JSON.stringify({ result: { data } }), { headers: { "content-type": "application/json" } });
  const fetch = vi.fn((url: string, init?: RequestInit) => {
    calls.push({ url, method: init?.method ?? "GET", body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined });
    if (url === "/api/trpc/reasoning.status")
      return Promise.resolve(
        ok({
          reasoners: [
            { kind: "deterministic", ok: true, why: "needs no model" },
            { kind: "webllm", ok: models.length > 0, why: "weights or not" },
            { kind: "openai_compatible", ok: llm, why: llm ? "LUXOS_LLM_URL is http://127.0.0.1:9/v1" : "No OpenAI-compatible endpoint is configured" },
          ],
          llm: { configured: llm, endpoint: null, model: llm ? "tiny" : null, reachable: null },
        }),
      );
    if (url === "/api/trpc/reasoning.models") return Promise.resolve(ok({ dir: "/m", exists: true, models, hint: models.length ? null : "put weights in /m" }));
    if (url === "/api/trpc/reasoning.complete")
      return Promise.resolve(
        ok({ text: PLAN, finish_reason: "stop", model: "tiny", usage: { prompt_tokens: 10, completion_tokens: 5, estimated: false }, latency_ms: 1, tiki: 1 }),
      );
    return Promise.resolve(new Response("not found", { status: 404 }));
  });
  vi.stubGlobal("fetch", fetch);
  return calls;
}

/** The tab's LLM worker, faked: `gpu` decides `detect`; counts `unload`s. */
function fakeLlm(gpu: Availability) {
  const state = { unloads: 0, chats: [] as LlmChatRequest[] };
  const api: LlmWorkerApi = {
    detect: () => Promise.resolve(gpu),
    load: (r) => Promise.resolve({ ok: true, value: { modelId: r.model.id, ms: 1 } }),
    chat: (r) => {
      state.chats.push(r);
      return Promise.resolve({ ok: true, value: { text: PLAN, finishReason: "stop", queuedMs: 0 } });
    },
    cancel: () => Promise.resolve(false),
    subscribe: (listener: (p: LlmProgress) => void) => {
      listener({ modelId: "m", phase: "ready", fraction: 1, text: "ready", elapsedMs: 1 });
      return Promise.resolve(1);
    },
    unsubscribe: () => Promise.resolve(),
    status: () => Promise.resolve({ version: 1, model: null, running: null, queued: 0 }),
    unload: () => Promise.resolve(void state.unloads++),
  };
  return { api, state };
}

/** The bridge as the swarm host builds it: the fake LLM worker served on one end of a real MessageChannel. */
function bridged(llm: LlmWorkerApi) {
  const channel = new MessageChannel();
  const close = serveLlmPort(llm, channel.port1);
  return { llm: llmOverPort(channel.port2), close: () => (close(), channel.port2.close()) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("reasonerFor", () => {
  it("runs the deterministic reasoner without asking anyone", async () => {
    const calls = fakeMaster();
    const chosen = await reasonerFor("deterministic");
    expect(chosen.reasoner.kind).toBe("deterministic");
    expect(chosen.why).toMatch(/needs no model/u);
    expect(calls).toEqual([]);
  });

  it("plans through the master's reasoning.complete when the endpoint is configured", async () => {
    const calls = fakeMaster();
    const chosen = await reasonerFor("openai");
    expect(chosen.reasoner.id).toBe("openai_compatible:tiny");
    expect(chosen.why).toMatch(/LUXOS_LLM_URL is/u);
    const plan = await chosen.reasoner.plan("learn about zebras");
    expect(plan.source).toBe("model");
    expect(plan.steps[0]?.text).toBe("ask the fake model");
    const complete = calls.find((c) => c.url === "/api/trpc/reasoning.complete");
    expect(complete?.method).toBe("POST");
    expect(JSON.stringify(complete?.body)).toContain("learn about zebras");
  });

  it("falls back, saying why, when the master has no endpoint or cannot be asked", async () => {
    fakeMaster({ llm: false });
    const none = await reasonerFor("openai");
    expect(none.reasoner.kind).toBe("deterministic");
    expect(none.why).toMatch(/^asked for the OpenAI-compatible endpoint, which cannot run here: No OpenAI-compatible endpoint is configured; fell back/u);

    vi.stubGlobal("fetch", () => Promise.reject(new TypeError("Failed to fetch")));
    const offline = await reasonerFor("openai");
    expect(offline.reasoner.kind).toBe("deterministic");
    expect(offline.why).toMatch(/the master could not be asked \(Failed to fetch\)/u);
  });

  it("without WebGPU, a WebLLM being says so (through the brokered port) and runs the deterministic reasoner", async () => {
    fakeMaster({ models: [{ id: "Tiny-q4f32_1-MLC", has_config: true, libs: ["tiny.wasm"] }] });
    const { api } = fakeLlm({ ok: false, why: "no WebGPU adapter" });
    const bridge = bridged(api);
    try {
      const chosen = await reasonerFor("webllm", { llm: bridge.llm, origin: "http://127.0.0.1:3000" });
      expect(chosen.reasoner.kind).toBe("deterministic");
      expect(chosen.why).toMatch(/^asked for WebLLM, which cannot run here: no WebGPU adapter; fell back to the deterministic reasoner/u);
    } finally {
      bridge.close();
    }
  });

  it("with WebGPU and a model on the server, a WebLLM being reasons in the tab's LLM worker, which it cannot unload", async () => {
    fakeMaster({ models: [{ id: "Tiny-q4f32_1-MLC", has_config: true, libs: ["tiny.wasm"] }] });
    const { api, state } = fakeLlm({ ok: true, why: "WebGPU adapter google swiftshader" });
    const bridge = bridged(api);
    try {
      const chosen = await reasonerFor("webllm", { llm: bridge.llm, origin: "http://127.0.0.1:3000" });
      expect(chosen.reasoner.id).toBe("webllm:Tiny-q4f32_1-MLC");
      const plan = await chosen.reasoner.plan("learn about zebras");
      expect(plan.source).toBe("model");
      expect(state.chats).toHaveLength(1);
      expect(state.chats[0]?.load.model).toEqual({ id: "Tiny-q4f32_1-MLC", lib: "tiny.wasm" });
      const progress = await new Promise<LlmProgress>((resolve) => void bridge.llm.subscribe(resolve));
      expect(progress.phase).toBe("ready");
      await bridge.llm.unload();
      expect(state.unloads).toBe(0);
    } finally {
      bridge.close();
    }
  });

  it("a WebLLM being with no port, or no model on the server, falls back and names what is missing", async () => {
    fakeMaster();
    expect((await reasonerFor("webllm")).why).toMatch(/no connection to the tab's LLM worker/u);
    const { api } = fakeLlm({ ok: true, why: "WebGPU adapter" });
    const bridge = bridged(api);
    try {
      expect((await reasonerFor("webllm", { llm: bridge.llm, origin: "http://x" })).why).toMatch(/cannot run here: put weights in \/m; fell back/u);
    } finally {
      bridge.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import { costOf } from "../tiki";
import { createDeterministicReasoner } from "./createDeterministicReasoner";
import { createOpenAiCompatibleReasoner } from "./createOpenAiCompatibleReasoner";
import { createWebLlmReasoner } from "./createWebLlmReasoner";
import { LLM_WORKER_PROTOCOL_VERSION, type LlmChatRequest, type LlmWorkerApi } from "./llmWorkerProtocol";
import { PLAN_ACTIONS } from "./prompts";
import type { ChatMessage, Passage, Reasoner } from "./Reasoner";
import { ReasonerError } from "./ReasonerError";
import { toTikiStep } from "./usage";

/**
 * A stand-in language model that follows the prompts well enough for the contract: a JSON plan for
 * the planner, a cited sentence for passages, an echo otherwise. It never reads the question, so
 * what passes here is the reasoner's own plumbing.
 */
function fakeModel(messages: readonly ChatMessage[]): string {
  const system = messages.find((m) => m.role === "system")?.content ?? "";
  const user = messages.findLast((m) => m.role === "user")?.content ?? "";
  if (system.includes("You are the planner")) return '{"steps":[{"action":"recall","text":"look it up"},{"action":"reply","text":"answer"}]}';
  if (system.includes("numbered passages")) return user.includes("Postgres") ? "The master stores knowledge in Postgres [1]." : "NOT FOUND";
  return `echo: ${user}`;
}

/** An LLM worker with the fake model, answering the protocol as the real one does. */
function fakeWorker(): LlmWorkerApi {
  const cancelled = new Set<string>();
  return {
    detect: () => Promise.resolve({ ok: true, why: "fake WebGPU adapter" }),
    load: (request) => Promise.resolve({ ok: true, value: { modelId: request.model.id, ms: 1 } }),
    chat: async (request: LlmChatRequest) => {
      await Promise.resolve();
      if (cancelled.has(request.id)) return { ok: false, error: { reason: "aborted", message: "cancelled" } };
      return { ok: true, value: { text: fakeModel(request.messages), finishReason: "stop", queuedMs: 0 } };
    },
    cancel: (id) => Promise.resolve(cancelled.add(id).has(id)),
    subscribe: () => Promise.resolve(1),
    unsubscribe: () => Promise.resolve(),
    status: () => Promise.resolve({ version: LLM_WORKER_PROTOCOL_VERSION, model: null, running: null, queued: 0 }),
    unload: () => Promise.resolve(),
  };
}

const REASONERS: [string, () => Reasoner][] = [
  ["deterministic", () => createDeterministicReasoner()],
  [
    "webllm (fake worker)",
    () => createWebLlmReasoner({ worker: fakeWorker(), model: { id: "Fake-MLC", lib: "fake-webgpu" }, origin: "http://localhost:3000" }),
  ],
  [
    "openai_compatible (fake server)",
    () =>
      createOpenAiCompatibleReasoner({
        available: () => Promise.resolve({ ok: true, why: "fake endpoint" }),
        complete: (input) =>
          Promise.resolve({
            text: fakeModel(input.messages),
            finish_reason: "stop",
            model: "fake",
            usage: { prompt_tokens: 10, completion_tokens: 5, estimated: false },
            latency_ms: 1,
            tiki: 1,
          }),
      }),
  ],
];

const PASSAGES: Passage[] = [
  { text: "The master stores knowledge in Postgres with pgvector.", source: "soul:master", score: 0.9 },
  { text: "Cats sleep most of the day.", source: "https://example.org/cats", score: 0.1 },
];

describe.each(REASONERS)("Reasoner contract: %s", (_name, create) => {
  it("says whether it is available and why", async () => {
    const { ok, why } = await create().available();
    expect(typeof ok).toBe("boolean");
    expect(why).toMatch(/\S/);
  });

  it("has an id and a Tiki provider kind", () => {
    const r = create();
    expect(r.id).toMatch(/\S/);
    expect(["deterministic", "webllm", "openai_compatible"]).toContain(r.kind);
  });

  it("plans steps of known actions, with usage priced in Tiki", async () => {
    const r = create();
    const plan = await r.plan("Where does the master keep knowledge?", { name: "Ada" });
    expect(plan.goal).toBe("Where does the master keep knowledge?");
    expect(plan.kind).toBe("answer_question");
    expect(plan.steps.length).toBeGreaterThan(0);
    for (const step of plan.steps) {
      expect(PLAN_ACTIONS).toContain(step.action);
      expect(step.text).toMatch(/\S/);
    }
    expect(plan.usage.provider).toBe(r.kind);
    expect(plan.usage.tiki).toBe(costOf(toTikiStep(plan.usage)).tiki);
    expect(plan.usage.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("answers with [n] citations and a sources list naming each cited source", async () => {
    const a = await create().answer("Where does the master store knowledge?", PASSAGES);
    expect(a.found).toBe(true);
    expect(a.sources.length).toBeGreaterThan(0);
    expect(a.text).toMatch(/\[1\]/);
    const [body, list] = a.text.split("\n\nSources:\n");
    expect(body).toMatch(/Postgres/);
    expect(list!.split("\n")).toEqual(a.sources.map((c) => `[${c.n}] ${c.source}`));
    expect(a.sources.map((c) => c.n)).toEqual(a.sources.map((_, i) => i + 1));
  });

  it("says plainly when nothing relevant was given", async () => {
    const r = create();
    for (const passages of [[], [PASSAGES[1]!]]) {
      const a = await r.answer("Who painted the Mona Lisa?", passages);
      expect(a).toMatchObject({ found: false, sources: [] });
      expect(a.text).toMatch(/Mona Lisa/);
      expect(a.text).toMatch(/cannot answer/);
    }
  });

  it("completes free text with usage", async () => {
    const c = await create().complete([{ role: "user", content: "Hello there" }], { maxTokens: 64 });
    expect(c.text).toMatch(/\S/);
    expect(["stop", "length"]).toContain(c.finishReason);
    expect(c.usage.tokensOut).toBeGreaterThan(0);
  });

  it("rejects with reason aborted when the signal has fired", async () => {
    const r = create();
    const signal = AbortSignal.abort();
    for (const call of [
      () => r.plan("Learn about X", undefined, { signal }),
      () => r.answer("Where does the master store knowledge?", PASSAGES, { signal }),
      () => r.complete([{ role: "user", content: "x" }], { signal }),
    ]) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReasonerError);
      expect((error as ReasonerError).reason).toBe("aborted");
    }
  });
});

import { describe, expect, it } from "vitest";
import { costOf } from "../tiki";
import { createChatReasoner, type ChatReply, type ChatRequest } from "./createChatReasoner";
import type { Passage } from "./Reasoner";
import { toTikiStep } from "./usage";

/** A reasoner over a model that always writes `text` (and records what it was asked). */
function scripted(text: string, tokens?: { tokensIn: number; tokensOut: number }) {
  const requests: ChatRequest[] = [];
  const reasoner = createChatReasoner({
    id: "fake",
    kind: "webllm",
    available: () => Promise.resolve({ ok: true, why: "fake" }),
    now: () => 0,
    chat: (request) => {
      requests.push(request);
      const reply: ChatReply = { text, finishReason: "stop", ...tokens };
      return Promise.resolve(reply);
    },
  });
  return { reasoner, requests };
}

const PASSAGES: Passage[] = [
  { text: "Tiki is the unit of cost.", source: "lib/tiki.ts", score: 0.9 },
  { text: "Budgets refuse overspending.", source: "lib/tiki.ts", score: 0.8 },
  { text: "Beings live in workers.", source: "docs/arch.md", score: 0.2 },
];

describe("createChatReasoner", () => {
  it("reads a model's JSON plan, around chatter and code fences, dropping unknown actions", async () => {
    const { reasoner, requests } = scripted(
      'Sure!\n```json\n{"steps":[{"action":"Ask Master","text":"ask about pgvector"},{"action":"dance","text":"x"},{"action":"remember","text":"store it"}],"reply":""}\n```',
    );
    const plan = await reasoner.plan("Learn about pgvector", { name: "Ada", persona: "curious", facts: ["pgvector is an extension"] });
    expect(plan).toMatchObject({ kind: "learn_about", topic: "pgvector", source: "model" });
    expect(plan.steps).toEqual([
      { action: "ask_master", text: "ask about pgvector" },
      { action: "remember", text: "store it" },
    ]);
    expect(plan.reply).toBeUndefined();
    expect(requests[0]!.temperature).toBe(0);
    expect(requests[0]!.messages[0]!.content).toMatch(/planner of Ada.*curious/su);
    expect(requests[0]!.messages[1]!.content).toMatch(/- pgvector is an extension/);
  });

  it("falls back to the template when the plan cannot be read, and says so", async () => {
    for (const text of ["no json here", '{"steps":[]}', '{"steps":[{"action":"fly","text":"x"}]}', "{broken"]) {
      const plan = await scripted(text).reasoner.plan("What is Tiki?");
      expect(plan).toMatchObject({ source: "template", kind: "answer_question", note: expect.stringMatching(/did not write a readable plan/) });
      expect(plan.steps.length).toBeGreaterThan(0);
    }
  });

  it("renumbers citations by source, drops citations of missing passages, and lists the sources", async () => {
    const { reasoner, requests } = scripted("Tiki is the unit of cost [1] and budgets refuse overspending [2][7]. Beings live in workers [3, 1].");
    const a = await reasoner.answer("What is Tiki?", PASSAGES);
    expect(requests[0]!.messages[1]!.content).toContain("[1] (source: lib/tiki.ts)\nTiki is the unit of cost.");
    expect(a.sources).toEqual([
      { n: 1, source: "lib/tiki.ts", score: 0.9 },
      { n: 2, source: "docs/arch.md", score: 0.2 },
    ]);
    expect(a.text).toBe(
      "Tiki is the unit of cost [1] and budgets refuse overspending [1]. Beings live in workers [2][1].\n\nSources:\n[1] lib/tiki.ts\n[2] docs/arch.md",
    );
  });

  it("lists every passage when the model cites none", async () => {
    const a = await scripted("Tiki is a unit.").reasoner.answer("What is Tiki?", PASSAGES);
    expect(a.sources.map((s) => s.source)).toEqual(["lib/tiki.ts", "docs/arch.md"]);
    expect(a.found).toBe(true);
  });

  it("reports NOT FOUND as nothing relevant, and skips the model when there are no passages", async () => {
    expect(await scripted("NOT FOUND.").reasoner.answer("Who?", PASSAGES)).toMatchObject({
      found: false,
      sources: [],
      text: expect.stringMatching(/nothing relevant/),
    });
    const { reasoner, requests } = scripted("x");
    expect((await reasoner.answer("Who?", [])).usage.tiki).toBe(0);
    expect(requests).toHaveLength(0);
  });

  it("counts the model's own tokens when it gives them, and estimates otherwise", async () => {
    const counted = await scripted("hi", { tokensIn: 1200, tokensOut: 300 }).reasoner.complete([{ role: "user", content: "hello" }]);
    expect(counted.usage).toEqual({ provider: "webllm", tokensIn: 1200, tokensOut: 300, estimated: false, latencyMs: 0, tiki: 42 });
    const estimated = await scripted("four").reasoner.complete([{ role: "user", content: "12345678" }]);
    expect(estimated.usage).toMatchObject({ tokensIn: 2, tokensOut: 1, estimated: true });
    expect(estimated.usage.tiki).toBe(costOf(toTikiStep(estimated.usage)).tiki);
  });

  it("passes maxTokens and temperature through and validates them", async () => {
    const { reasoner, requests } = scripted("ok");
    await reasoner.complete([{ role: "user", content: "x" }], { maxTokens: 7, temperature: 0.2 });
    expect(requests[0]).toMatchObject({ maxTokens: 7, temperature: 0.2 });
    await expect(reasoner.complete([{ role: "user", content: "x" }], { maxTokens: 1.5 })).rejects.toMatchObject({ reason: "invalid" });
    await expect(reasoner.complete([{ role: "assistant", content: "x" }])).rejects.toMatchObject({ reason: "invalid" });
  });

  it("answers an availability check that throws with ok: false", async () => {
    const r = createChatReasoner({
      id: "x",
      kind: "webllm",
      available: () => Promise.reject(new Error("boom")),
      chat: () => Promise.reject(new Error("unused")),
    });
    expect(await r.available()).toEqual({ ok: false, why: "could not tell: boom" });
  });
});

import { describe, expect, it } from "vitest";
import { costOf } from "../tiki";
import { createDeterministicReasoner } from "./createDeterministicReasoner";
import type { Passage } from "./Reasoner";
import { ReasonerError } from "./ReasonerError";
import { toTikiStep } from "./usage";

const PASSAGES: Passage[] = [
  { text: "The master stores knowledge in Postgres with pgvector. It dedupes near-duplicates.", source: "soul:master", score: 0.8 },
  { text: "Each being runs in its own Web Worker with SQLite on OPFS.", source: "docs/architecture.md", score: 0.5 },
];

describe("createDeterministicReasoner", () => {
  const fixed = () => createDeterministicReasoner({ now: () => 0 });

  it("is always available and says why", async () => {
    expect(await fixed().available()).toEqual({ ok: true, why: expect.stringMatching(/needs no model/) });
  });

  it("gives the same output for the same input", async () => {
    const [a, b] = [fixed(), fixed()];
    expect(await a.plan("Learn about pgvector", { name: "Ada" })).toEqual(await b.plan("Learn about pgvector", { name: "Ada" }));
    expect(await a.answer("Where does the master store knowledge?", PASSAGES)).toEqual(await b.answer("Where does the master store knowledge?", PASSAGES));
    const messages = [{ role: "user" as const, content: "hello" }];
    expect(await a.complete(messages)).toEqual(await b.complete(messages));
    // With the real clock only the latency may differ.
    const real = createDeterministicReasoner();
    const { usage, ...rest } = await real.answer("Where does the master store knowledge?", PASSAGES);
    const again = await real.answer("Where does the master store knowledge?", PASSAGES);
    expect({ ...again, usage: { ...again.usage, latencyMs: usage.latencyMs } }).toEqual({ ...rest, usage });
  });

  it("plans from the template of the goal's kind", async () => {
    const r = fixed();
    const learn = await r.plan("Learn about pgvector");
    expect(learn).toMatchObject({ kind: "learn_about", topic: "pgvector", source: "template" });
    expect(learn.steps.map((s) => s.action)).toEqual(["recall", "ask_master", "load", "embed", "remember", "report"]);
    expect(learn.reply).toBeUndefined();
    const hello = await r.plan("Hello!", { name: "Ada" });
    expect(hello).toMatchObject({ kind: "greet", reply: expect.stringMatching(/^Hello! I am Ada\./) });
    expect((await r.plan("What is Tiki?")).kind).toBe("answer_question");
    expect((await r.plan("Summarize the log")).kind).toBe("summarize");
    const unknown = await r.plan("Paint the fence");
    expect(unknown.kind).toBe("explore");
    expect(unknown.steps.at(-1)?.action).toBe("report");
  });

  it("answers with citations and a sources list, or says nothing was found", async () => {
    const r = fixed();
    const a = await r.answer("Where does the master store knowledge?", PASSAGES);
    expect(a.found).toBe(true);
    expect(a.text).toBe("The master stores knowledge in Postgres with pgvector. [1]\n\nSources:\n[1] soul:master");
    const none = await r.answer("Who painted the Mona Lisa?", PASSAGES);
    expect(none).toMatchObject({ found: false, sources: [] });
    expect(none.text).toMatch(/nothing relevant/);
  });

  it("accounts tokens as characters / 4 and prices them in Tiki", async () => {
    const a = await fixed().answer("Where does the master store knowledge?", PASSAGES);
    const sent = ["Where does the master store knowledge?", ...PASSAGES.map((p) => p.text)];
    expect(a.usage).toEqual({
      provider: "deterministic",
      tokensIn: sent.reduce((n, t) => n + Math.ceil(t.length / 4), 0),
      tokensOut: Math.ceil(a.text.length / 4),
      estimated: true,
      latencyMs: 0,
      tiki: costOf(toTikiStep(a.usage)).tiki,
    });
  });

  describe("complete", () => {
    const r = fixed();
    it("greets", async () => {
      expect((await r.complete([{ role: "user", content: "Hi!" }])).text).toMatch(/^Hello!/);
    });
    it("answers from earlier messages", async () => {
      const c = await r.complete([
        { role: "system", content: "The master stores knowledge in Postgres. The sky is blue." },
        { role: "user", content: "Where is knowledge stored?" },
      ]);
      expect(c).toMatchObject({ text: "The master stores knowledge in Postgres.", finishReason: "stop" });
    });
    it("says it has no model when nothing answers", async () => {
      expect((await r.complete([{ role: "user", content: "Write a poem about autumn" }])).text).toMatch(/no language model.*LUXOS_LLM_URL/su);
    });
    it("summarizes the text after the request", async () => {
      const c = await r.complete([
        {
          role: "user",
          content: "Summarize:\nThe master stores knowledge. Beings share knowledge with the master. Lunch was late. The master merges knowledge. It rained.",
        },
      ]);
      expect(c.text).not.toMatch(/Lunch|rained/u);
    });
    it("cuts at maxTokens and says so", async () => {
      const long = Array.from({ length: 50 }, (_, i) => `The master stores knowledge item ${i}.`).join(" ");
      const c = await r.complete([{ role: "user", content: `Summarize: ${long}` }], { maxTokens: 5 });
      expect(c.finishReason).toBe("length");
      expect(c.text.length).toBeLessThanOrEqual(20);
      expect(c.text.endsWith("…")).toBe(true);
    });
    it("refuses a conversation without a user message and a bad maxTokens", async () => {
      await expect(r.complete([{ role: "system", content: "x" }])).rejects.toMatchObject({ reason: "invalid" });
      await expect(r.complete([{ role: "user", content: "x" }], { maxTokens: 0 })).rejects.toBeInstanceOf(ReasonerError);
    });
  });
});

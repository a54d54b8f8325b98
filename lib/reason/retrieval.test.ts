import { describe, expect, it } from "vitest";
import { cosine, hashEmbed } from "../embed";
import { MIN_RELEVANCE } from "./constants";
import type { Passage } from "./Reasoner";
import { composeAnswer, contentWords, rankSentences, selectPassages, splitSentences, summarize } from "./retrieval";

const relevance = (a: string, b: string) => cosine(hashEmbed(contentWords(a)), hashEmbed(contentWords(b)));

describe("relevance over content words", () => {
  // The numbers behind MIN_RELEVANCE: related pairs score ≥ 0.28, unrelated ones ≤ 0.13.
  const related: [string, string][] = [
    ["Where does the master store knowledge?", "The master stores knowledge in Postgres with pgvector."],
    ["What is the capital of France?", "Paris is the capital and largest city of France."],
    ["How long do the tests take?", "Running the tests takes two minutes."],
    ["who invented the telephone", "Alexander Graham Bell is credited with inventing the telephone in 1876."],
  ];
  const unrelated: [string, string][] = [
    ["Where does the master store knowledge?", "The cat sat on the mat."],
    ["What is the capital of France?", "It is what it is."],
    ["What is the capital of France?", "The weather in Paris is sunny today."],
    ["who invented the telephone", "Quarterly revenue grew by ten percent."],
    ["What is quantum entanglement?", "Beings dance in the garden under the moon."],
  ];

  it("puts every related pair above the threshold and every unrelated one below it", () => {
    for (const [q, s] of related) expect(relevance(q, s), `${q} / ${s}`).toBeGreaterThanOrEqual(MIN_RELEVANCE + 0.05);
    for (const [q, s] of unrelated) expect(relevance(q, s), `${q} / ${s}`).toBeLessThan(MIN_RELEVANCE - 0.05);
  });

  it("drops function words before embedding", () => {
    expect(contentWords("What is the capital of France?")).toBe("capital france");
    expect(contentWords("It is what it is.")).toBe("");
  });
});

describe("splitSentences", () => {
  it("splits at end punctuation and line breaks, and drops empty pieces", () => {
    expect(splitSentences("One. Two!  Three? Four\nFive\n\n  ---  \n六。七")).toEqual(["One.", "Two!", "Three?", "Four", "Five", "六。七"]);
    expect(splitSentences("")).toEqual([]);
  });
});

describe("selectPassages", () => {
  it("keeps non-empty passages, best score first, stable on ties, and cuts long ones", () => {
    const out = selectPassages([
      { text: "a", source: "1", score: 0.1 },
      { text: " ", source: "2", score: 0.9 },
      { text: "b", source: "3", score: 0.5 },
      { text: "c", source: "4", score: 0.5 },
      { text: "x".repeat(5000), source: "5", score: Number.NaN },
    ]);
    expect(out.map((p) => p.source)).toEqual(["3", "4", "1", "5"]);
    expect(out[3]!.text.length).toBe(2000);
  });
});

describe("composeAnswer", () => {
  const passages: Passage[] = [
    { text: "Beings dance in the garden. The master stores knowledge in Postgres with pgvector.", source: "soul:a", score: 0.7 },
    { text: "Paris is the capital of France.", source: "https://example.org/paris", score: 0.4 },
    { text: "The master keeps its knowledge in PGlite when no DATABASE_URL is set.", source: "soul:a", score: 0.6 },
  ];

  it("cites the best sentences by source number and lists the sources", () => {
    const a = composeAnswer("Where does the master store its knowledge?", passages);
    expect(a.found).toBe(true);
    expect(a.sources).toEqual([{ n: 1, source: "soul:a", score: 0.7 }]);
    expect(a.text).toBe(
      "The master stores knowledge in Postgres with pgvector. [1] The master keeps its knowledge in PGlite when no DATABASE_URL is set. [1]\n\nSources:\n[1] soul:a",
    );
  });

  it("numbers distinct sources in order of first use", () => {
    const a = composeAnswer("master knowledge capital France", passages);
    expect(a.sources.map((c) => c.n)).toEqual([1, 2]);
    expect(a.text).toMatch(/\[1\].*\[2\]/su);
    expect(a.text).toMatch(/Sources:\n\[1\] \S+\n\[2\] \S+$/u);
  });

  it("says plainly when nothing is relevant, and when nothing was given", () => {
    expect(composeAnswer("Who invented the telephone?", passages)).toEqual({
      text: 'I found nothing relevant to "Who invented the telephone?" in the 3 passages I was given, so I cannot answer it.',
      sources: [],
      found: false,
    });
    expect(composeAnswer("Who?", []).text).toBe('I was given no passages to answer "Who?" from, so I cannot answer it.');
  });

  it("quotes a repeated sentence once", () => {
    const same = "The master stores knowledge in Postgres.";
    const a = composeAnswer("where is knowledge stored by the master", [
      { text: same, source: "x", score: 1 },
      { text: same, source: "y", score: 0.5 },
    ]);
    expect(a.text.split(same)).toHaveLength(2);
    expect(a.sources.map((s) => s.source)).toEqual(["x"]);
  });

  it("ranks ties by passage score, then order", () => {
    const ranked = rankSentences("master knowledge", [
      { text: "Master knowledge.", source: "low", score: 0.1 },
      { text: "Master knowledge.", source: "high", score: 0.9 },
    ]);
    expect(ranked.map((r) => r.passage)).toEqual([1]);
  });
});

describe("summarize", () => {
  it("keeps the most central sentences in their original order", () => {
    const text =
      "The master stores knowledge in Postgres. Beings learn facts locally. The weather was nice. " +
      "Beings share knowledge with the master. The master merges knowledge from beings. Lunch was at noon.";
    const s = summarize(text, 3);
    expect(splitSentences(s)).toHaveLength(3);
    expect(s).not.toMatch(/weather|Lunch/u);
    expect(summarize("Short. Text.")).toBe("Short. Text.");
  });
});

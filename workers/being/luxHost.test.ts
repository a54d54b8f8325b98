import { describe, expect, it } from "vitest";
import { hashEmbed } from "../../lib/embed";
import { askMaster, isUnreachable, searchLocalFacts } from "./askMaster";
import { parseBody, parseMasterQuery } from "./luxHost";
import { MasterCallError } from "./masterFetch";

describe("LOAD master query", () => {
  it("turns words into beings.list filters, never SQL", () => {
    expect(parseMasterQuery("tag:ticket tag:open any:red any:blue checkout")).toEqual({
      limit: 100,
      tags_all: ["ticket", "open"],
      tags_any: ["red", "blue"],
      name: "checkout",
    });
    expect(parseMasterQuery('{"tags_any": ["x"], "limit": 5}')).toEqual({ limit: 5, tags_any: ["x"] });
    expect(parseMasterQuery("DROP TABLE base_beings;")).toEqual({ limit: 100, name: "DROP TABLE base_beings;" });
    expect(() => parseMasterQuery("{not json")).toThrow(/beings.list filters/);
    expect(() => parseMasterQuery("[1]")).not.toThrow(); // words: the master matches the name "[1]"
  });
});

describe("LOAD file bodies", () => {
  it("reads JSON as values, NDJSON as a list, anything else as text", () => {
    expect(parseBody('{"a": [1, 2]}', ".json")).toEqual({ a: [1, 2] });
    expect(parseBody('{"a":1}\n\n{"a":2}\n', ".ndjson")).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseBody("a,b\n1,2", ".csv")).toBe("a,b\n1,2");
    expect(parseBody('{"x":1}', "application/json; charset=utf-8")).toEqual({ x: 1 });
    expect(() => parseBody("{oops", ".json")).toThrow(/not valid JSON/);
    expect(() => parseBody('{"a":1}\nnope', ".jsonl")).toThrow(/line 2 of .jsonl is not valid JSON/);
  });
});

describe("ASK master", () => {
  const facts = ["the nightly import waits on the index rebuild", "the cafeteria opens at noon"].map((text) => ({
    text,
    embedding: hashEmbed(text),
    source: "teach",
    confidence: 0.9,
  }));

  it("tells an unreachable master from one that said no", () => {
    expect(isUnreachable(new TypeError("Failed to fetch"))).toBe(true);
    expect(isUnreachable(new DOMException("timed out", "TimeoutError"))).toBe(true);
    expect(isUnreachable(new MasterCallError("HTTP 502 and no JSON", undefined))).toBe(true);
    expect(isUnreachable(new MasterCallError('No procedure found on path "knowledge.ask"', "NOT_FOUND"))).toBe(true);
    expect(isUnreachable(new MasterCallError("Invalid input — k: k is at most 100", "BAD_REQUEST"))).toBe(false);
  });

  it("answers with the master's hits and provenance when it answers", async () => {
    const answer = await askMaster("import?", {
      k: 5,
      signal: new AbortController().signal,
      localFacts: () => {
        throw new Error("not read online");
      },
      ask: () =>
        Promise.resolve({
          answer: "It waits on the index rebuild [1].",
          answered_by: "deterministic",
          took_ms: 2,
          hits: [
            {
              fact: "f",
              text: "the nightly import waits on the index rebuild",
              similarity: 0.81234,
              confidence: 0.9,
              corroboration: 3,
              sources: [{ soul: "s1", name: "scout", learned_at: "2026-01-01T00:00:00Z", confidence: 0.9 }],
              first_learned: "2026-01-01T00:00:00Z",
              last_learned: "2026-01-01T00:00:00Z",
            },
          ],
        }),
    });
    expect(answer).toEqual({
      answer: "It waits on the index rebuild [1].",
      answered_by: "deterministic",
      offline: false,
      why: null,
      hits: [{ text: "the nightly import waits on the index rebuild", similarity: 0.812, confidence: 0.9, corroboration: 3, sources: ["scout"] }],
    });
  });

  it("answers from the micro-world, labelled offline, when the master cannot be reached; a refusal stays an error", async () => {
    const offline = await askMaster("what does the nightly import wait on?", {
      k: 5,
      signal: new AbortController().signal,
      localFacts: () => facts,
      ask: () => Promise.reject(new TypeError("Failed to fetch")),
    });
    expect(offline).toMatchObject({ offline: true, answered_by: "micro-world", answer: "the nightly import waits on the index rebuild" });
    expect(offline.why).toContain("Failed to fetch");
    await expect(
      askMaster("x", { k: 5, signal: new AbortController().signal, localFacts: () => facts, ask: () => Promise.reject(new MasterCallError("bad question", "BAD_REQUEST")) }),
    ).rejects.toThrow("bad question");
    expect(searchLocalFacts("cafeteria noon", facts, 1).map((h) => h.text)).toEqual(["the cafeteria opens at noon"]);
  });
});

import { describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS } from "../constants";
import { createHashEmbedder, hashEmbed, normalizeText } from "./createHashEmbedder";
import type { Embedder } from "./Embedder";
import { fnv1a32, hashString } from "./hash32";
import { cosine, l2norm, toNumberArray } from "./vectors";

/** Every embedder meets this contract; a real E5/MiniLM embedder joins the list when its weights are present. */
const embedders: [string, () => Embedder][] = [["hash", createHashEmbedder]];

/** Anchor, a paraphrase of it, and an unrelated text. */
const LABELLED: [anchor: string, paraphrase: string, unrelated: string][] = [
  ["The cat sat on the mat.", "A cat was sitting on the mat", "Quarterly revenue grew by ten percent."],
  ["How do I reset my password?", "I need to reset the password for my account", "The weather in Paris is sunny today."],
  [
    "The master stores knowledge in Postgres with pgvector.",
    "Knowledge is stored by the master in a Postgres database using pgvector",
    "Beings dance in the garden under the moon.",
  ],
  ["Running the tests takes two minutes", "The test run takes about two minutes", "She bought fresh bread at the bakery"],
  ["Budget exhausted, halting the being", "The being halts because its budget is exhausted", "Rooms share presence and a mission board"],
  ["Kot siedzi na macie", "Kot siedział na macie w kuchni", "Przychody wzrosły o dziesięć procent"],
  ["The quick brown fox jumps over the lazy dog", "A quick brown fox jumped over a lazy dog", "Interest rates were raised by the central bank"],
  ["Embeddings are 384-dimensional vectors", "Every embedding vector has 384 dimensions", "The train to Berlin leaves at noon"],
];

describe.each(embedders)("Embedder contract: %s", (_name, create) => {
  it("gives one unit vector of 384 dimensions per text, in order", async () => {
    const embedder = create();
    expect(embedder.dimensions).toBe(EMBEDDING_DIMENSIONS);
    expect(embedder.id).toMatch(/\S/);
    const texts = ["first text", "second, different text", "third"];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(l2norm(v)).toBeCloseTo(1, 5);
    }
    const [alone] = await embedder.embed(["second, different text"]);
    expect(cosine(alone!, vectors[1]!)).toBeCloseTo(1, 5);
    expect(await embedder.embed([])).toEqual([]);
  });

  it("rates every paraphrase above every unrelated text", async () => {
    const embedder = create();
    const paraphrase: number[] = [];
    const unrelated: number[] = [];
    for (const [a, p, u] of LABELLED) {
      const [va, vp, vu] = await embedder.embed([a, p, u]);
      paraphrase.push(cosine(va!, vp!));
      unrelated.push(cosine(va!, vu!));
      expect(paraphrase.at(-1), `"${a}" vs "${p}" and "${u}"`).toBeGreaterThan(unrelated.at(-1)!);
    }
    expect(Math.min(...paraphrase)).toBeGreaterThan(Math.max(...unrelated));
  });
});

describe("hashEmbed", () => {
  const GOLDEN_TEXT =
    "LuxOS is a browser-first home for a superorganism of AI agents. Każdy byt myśli w trzech warstwach; 每个存在都有自己的世界 — Ünïcödé & ﬁ ligatures!";

  it("gives the same bits every time, and these exact values (compare with the browser worker's output)", () => {
    const v = hashEmbed(GOLDEN_TEXT);
    expect(toNumberArray(hashEmbed(GOLDEN_TEXT))).toEqual(toNumberArray(v));
    const first8 = [0, 0, 0, -0.0378420241, 0, 0, -0.161142498, 0];
    first8.forEach((x, i) => expect(v[i], `component ${i}`).toBeCloseTo(x, 6));
    const firstNonZero: [number, number][] = [
      [3, -0.0378420241],
      [6, -0.161142498],
      [9, 0.0378420241],
      [10, 0.161142498],
      [11, 0.0378420241],
      [12, 0.0756840482],
      [13, 0.0378420241],
      [16, -0.0378420241],
    ];
    expect(
      toNumberArray(v)
        .flatMap((x, i) => (x === 0 ? [] : [i]))
        .slice(0, 8),
    ).toEqual(firstNonZero.map(([i]) => i));
    for (const [i, x] of firstNonZero) expect(v[i], `component ${i}`).toBeCloseTo(x, 6);
    expect(toNumberArray(v).reduce((sum, x, i) => sum + x * (i + 1), 0)).toBeCloseTo(161.04335082694888, 4);
  });

  it("gives the zero vector for a text without letters or digits", () => {
    for (const text of ["", "   ", "?!…—", "\u0000"]) {
      const v = hashEmbed(text);
      expect(v).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(l2norm(v)).toBe(0);
      expect(cosine(v, hashEmbed("anything"))).toBe(0);
    }
  });

  it("ignores case, punctuation, spacing and compatibility forms", () => {
    expect(toNumberArray(hashEmbed("Hello, World!"))).toEqual(toNumberArray(hashEmbed("  hello world ")));
    expect(toNumberArray(hashEmbed("Ｈｅｌｌｏ ﬁle"))).toEqual(toNumberArray(hashEmbed("hello file")));
    expect(cosine(hashEmbed("the cat"), hashEmbed("cat the"))).toBeLessThan(1);
  });

  it("stays fast enough for a worker (logged, not asserted)", () => {
    const text = "The master stores knowledge in Postgres with pgvector and answers questions with provenance. ".repeat(3);
    const start = performance.now();
    for (let i = 0; i < 500; i++) hashEmbed(text + i);
    const ms = (performance.now() - start) / 500;
    console.info(`hashEmbed: ${ms.toFixed(3)} ms per ${text.length}-character text`);
  });

  it("rejects (never throws) when given something that is not text", async () => {
    await expect(createHashEmbedder().embed([42 as unknown as string])).rejects.toThrow(TypeError);
  });
});

describe("normalizeText", () => {
  it("applies NFKC, lower case, drops apostrophes and folds the rest of the punctuation into single spaces", () => {
    expect(normalizeText("Ｈｅｌｌｏ,  World! It’s")).toBe("hello world its");
    expect(normalizeText("don't STOP—believing…")).toBe("dont stop believing");
    expect(normalizeText("Zażółć gęślą jaźń")).toBe("zażółć gęślą jaźń");
    expect(normalizeText("x² ＝ ①")).toBe("x2 1");
  });
});

describe("hash32", () => {
  it("matches the published FNV-1a test vectors", () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a32(utf8(""))).toBe(0x811c9dc5);
    expect(fnv1a32(utf8("a"))).toBe(0xe40c292c);
    expect(fnv1a32(utf8("foobar"))).toBe(0xbf9cf968);
  });

  it("hashes a string exactly as FNV-1a over TextEncoder's UTF-8 bytes, surrogates included", () => {
    for (const s of ["", "ascii", "zażółć", "每个存在", "emoji 🧠🌍", "lone \ud800 surrogate", "\udc00"]) {
      expect(hashString(s), s).toBe(fnv1a32(new TextEncoder().encode(s)));
    }
    expect(hashString("bar", hashString("foo"))).toBe(hashString("foobar"));
  });
});

describe("cosine and toNumberArray", () => {
  it("measures angles, treats zero vectors as unrelated, and refuses mismatched lengths", () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosine([1, 2], [-1, -2])).toBeCloseTo(-1, 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(() => cosine([1], [1, 2])).toThrow(/1 and 2 dimensions/);
    const plain = toNumberArray(new Float32Array([0.5, -0.25]));
    expect(plain).toEqual([0.5, -0.25]);
    expect(Array.isArray(plain)).toBe(true);
  });
});

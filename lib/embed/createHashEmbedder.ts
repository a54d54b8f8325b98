import { EMBEDDING_DIMENSIONS } from "../constants";
import { BIGRAM_WEIGHT, CHAR_NGRAM_MAX, CHAR_NGRAM_MIN, CHAR_WEIGHT, HASH_EMBEDDER_ID, WORD_WEIGHT } from "./constants";
import type { Embedder } from "./Embedder";
import { fmix32, fnvCodePoint, hashString } from "./hash32";

/**
 * The built-in deterministic embedder (M3.5): feature hashing of words, word bigrams and
 * character n-grams into 384 signed buckets. No model, no randomness, the same bits in
 * every browser, worker and Node, so a vector computed in a being's worker can be compared
 * with one computed on the server.
 *
 * NOTE: only IEEE-exact operations touch the numbers (+, *, /, Math.sqrt; no Math.log,
 * whose last bit differs between engines), and features are summed in text order.
 */

/** Per-family seeds: hashing a feature from `hashString("w:")` equals hashing `"w:" + feature`. */
const WORD_SEED = hashString("w:");
const BIGRAM_SEED = hashString("b:");
const CHAR_SEED = hashString("c:");
const SIGN_SALT = 0x9e3779b9;
const SPACE = 0x20;
const BOUNDARY_START = 0x3c; // "<"
const BOUNDARY_END = 0x3e; // ">"

/**
 * The text the features are taken from: Unicode NFKC, lower case, apostrophes dropped
 * (`don't` → `dont`), every other run of non-letters/non-digits turned into one space.
 *
 * @example normalizeText("Ｈｅｌｌｏ,  World! It’s") // "hello world its"
 */
export function normalizeText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .normalize("NFKC")
    .replace(/['’ʼ`]/gu, "")
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, " ")
    .trim();
}

/** Counts of hashed features of one family, in first-seen order. */
type Counts = Map<number, number>;

function count(counts: Counts, hash: number) {
  counts.set(hash, (counts.get(hash) ?? 0) + 1);
}

function hashCodePoints(seed: number, cps: readonly number[], start: number, end: number): number {
  let h = seed;
  for (let i = start; i < end; i++) h = fnvCodePoint(h, cps[i]!);
  return h >>> 0;
}

/** Hashed features of a normalized text: word unigrams, word bigrams, character n-grams with `<` `>` word boundaries. */
function features(normalized: string): [words: Counts, bigrams: Counts, chars: Counts] {
  const words: Counts = new Map();
  const bigrams: Counts = new Map();
  const chars: Counts = new Map();
  let previous: number[] | null = null;
  for (const word of normalized.split(" ")) {
    if (word === "") continue;
    const cps = Array.from(word, (c) => c.codePointAt(0)!);
    count(words, hashCodePoints(WORD_SEED, cps, 0, cps.length));
    if (previous) {
      const h = fnvCodePoint(hashCodePoints(BIGRAM_SEED, previous, 0, previous.length), SPACE);
      count(bigrams, hashCodePoints(h, cps, 0, cps.length));
    }
    const padded = [BOUNDARY_START, ...cps, BOUNDARY_END];
    for (let n = CHAR_NGRAM_MIN; n <= CHAR_NGRAM_MAX; n++) {
      for (let i = 0; i + n <= padded.length; i++) count(chars, hashCodePoints(CHAR_SEED, padded, i, i + n));
    }
    previous = cps;
  }
  return [words, bigrams, chars];
}

/** Adds one family, each feature weighted by √tf (sub-linear) and the family scaled to length `weight`. */
function addFamily(into: Float64Array, counts: Counts, weight: number) {
  if (counts.size === 0) return;
  const part = new Float64Array(into.length);
  for (const [hash, tf] of counts) {
    const bucket = fmix32(hash) % into.length;
    const sign = fmix32(hash ^ SIGN_SALT) >>> 31 ? -1 : 1;
    part[bucket]! += sign * Math.sqrt(tf);
  }
  let norm = 0;
  for (const x of part) norm += x * x;
  if (norm === 0) return;
  const scale = weight / Math.sqrt(norm);
  for (let i = 0; i < into.length; i++) into[i]! += part[i]! * scale;
}

/**
 * One text's 384-d unit vector, synchronously. A text with no letters or digits (empty,
 * only punctuation) has no features and gives the zero vector, which `cosine` rates 0 against anything.
 */
export function hashEmbed(text: string): Float32Array {
  const [words, bigrams, chars] = features(normalizeText(text));
  const sum = new Float64Array(EMBEDDING_DIMENSIONS);
  addFamily(sum, words, WORD_WEIGHT);
  addFamily(sum, bigrams, BIGRAM_WEIGHT);
  addFamily(sum, chars, CHAR_WEIGHT);
  let norm = 0;
  for (const x of sum) norm += x * x;
  const out = new Float32Array(EMBEDDING_DIMENSIONS);
  if (norm === 0) return out;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] = sum[i]! * scale;
  return out;
}

/**
 * The deterministic 384-d embedder (`id` = `hash-384-v1`). Lexical, not semantic: it finds
 * shared words, stems and spellings, not synonyms.
 *
 * @example const [v] = await createHashEmbedder().embed(["hello world"]);
 */
export function createHashEmbedder(): Embedder {
  return {
    id: HASH_EMBEDDER_ID,
    dimensions: EMBEDDING_DIMENSIONS,
    // NOTE: inside the executor, so a bad input rejects the promise instead of throwing synchronously.
    embed: (texts) => new Promise((resolve) => resolve(texts.map((text) => hashEmbed(text)))),
  };
}

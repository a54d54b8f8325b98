import { cosine, hashEmbed, normalizeText } from "../embed";
import { MAX_ANSWER_SENTENCES, MAX_PASSAGE_CHARS, MAX_PASSAGES, MAX_SUMMARY_SENTENCES, MIN_RELEVANCE, RELATIVE_RELEVANCE } from "./constants";
import type { Citation, Passage } from "./Reasoner";

/**
 * Extractive retrieval for the deterministic reasoner: sentences of the given passages ranked by the
 * hash embedder's cosine to the question, over content words only. Pure and deterministic.
 */

// NOTE: without these the hash embedder rates "It is what it is." close to "What is the capital of France?":
// shared function words swamp the few words that carry the meaning.
const STOP_WORDS = new Set(
  (
    "a an the is are was were be been being am do does did done of in on at to for from by with about into onto over under " +
    "and or but nor not no so if then than that this these those it its itself he him his she her hers they them their theirs " +
    "we us our ours you your yours i me my mine what who whom whose when where why how which there here can could should " +
    "would will shall may might must have has had having tell please just also very really some any all each such only own " +
    "i w z na do to jest są się że co kto jak czy nie o od po za dla " +
    "и в во на с со к ко о об от до по за из у не что кто как это ли же"
  ).split(" "),
);

/** The words of a text that carry meaning: normalized (see `normalizeText`) without function words. */
export function contentWords(text: string): string {
  return normalizeText(text)
    .split(" ")
    .filter((w) => w !== "" && !STOP_WORDS.has(w))
    .join(" ");
}

/** Sentences of a text: split after `.`, `!`, `?` (and their CJK forms) followed by space, and at line breaks. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。！？])\s+|\s*\n+\s*/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** The passages worth reading: non-empty, best score first (ties keep their order), at most MAX_PASSAGES, each cut to MAX_PASSAGE_CHARS. */
export function selectPassages(retrieved: readonly Passage[]): Passage[] {
  return retrieved
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.text.trim() !== "")
    .sort((a, b) => score(b.p) - score(a.p) || a.i - b.i)
    .slice(0, MAX_PASSAGES)
    .map(({ p }) => ({ ...p, text: p.text.length > MAX_PASSAGE_CHARS ? `${p.text.slice(0, MAX_PASSAGE_CHARS - 1)}…` : p.text }));
}

function score(p: Passage): number {
  return Number.isFinite(p.score) ? p.score : 0;
}

export interface RankedSentence {
  readonly text: string;
  /** Index of its passage in the list given. */
  readonly passage: number;
  /** Its place within the passage. */
  readonly position: number;
  readonly relevance: number;
}

/**
 * The sentences of `passages` relevant to `question`, best first: at least MIN_RELEVANCE and within
 * RELATIVE_RELEVANCE of the best. Ties go to the better passage, then the earlier sentence. Repeats are dropped.
 */
export function rankSentences(question: string, passages: readonly Passage[]): RankedSentence[] {
  const q = hashEmbed(contentWords(question));
  const all: RankedSentence[] = [];
  passages.forEach((p, passage) =>
    splitSentences(p.text).forEach((text, position) => all.push({ text, passage, position, relevance: cosine(q, hashEmbed(contentWords(text))) })),
  );
  all.sort(
    (a, b) => b.relevance - a.relevance || score(passages[b.passage]!) - score(passages[a.passage]!) || a.passage - b.passage || a.position - b.position,
  );
  const best = all[0]?.relevance ?? 0;
  const seen = new Set<string>();
  return all.filter((s) => {
    if (s.relevance < MIN_RELEVANCE || s.relevance < best * RELATIVE_RELEVANCE) return false;
    const key = normalizeText(s.text);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The `Sources:` list that closes an answer. */
export function formatSources(sources: readonly Citation[]): string {
  return ["Sources:", ...sources.map((c) => `[${c.n}] ${c.source}`)].join("\n");
}

/** What an answer says when no passage was relevant. */
export function nothingFound(question: string, passageCount: number): string {
  const q = question.trim().replace(/\s+/gu, " ");
  return passageCount === 0
    ? `I was given no passages to answer "${q}" from, so I cannot answer it.`
    : `I found nothing relevant to "${q}" in the ${passageCount === 1 ? "passage" : `${passageCount} passages`} I was given, so I cannot answer it.`;
}

/** Numbers sources by first use: each distinct `source` gets one number, whichever passages of it are cited. */
export function numberSources(passages: readonly Passage[], cited: readonly number[]): { citations: Citation[]; numberOf: Map<number, number> } {
  const bySource = new Map<string, { n: number; score: number }>();
  const numberOf = new Map<number, number>();
  for (const index of cited) {
    const p = passages[index];
    if (!p) continue;
    const known = bySource.get(p.source);
    const entry = known ?? { n: bySource.size + 1, score: score(p) };
    entry.score = Math.max(entry.score, score(p));
    bySource.set(p.source, entry);
    numberOf.set(index, entry.n);
  }
  const citations = [...bySource].map(([source, { n, score }]) => ({ n, source, score }));
  return { citations, numberOf };
}

/**
 * An extractive answer: the best sentences, each followed by its source number, then the sources list;
 * or a plain statement that nothing relevant was found.
 */
export function composeAnswer(question: string, retrieved: readonly Passage[]): { text: string; sources: Citation[]; found: boolean } {
  const passages = selectPassages(retrieved);
  const picks = rankSentences(question, passages).slice(0, MAX_ANSWER_SENTENCES);
  if (picks.length === 0) return { text: nothingFound(question, passages.length), sources: [], found: false };
  const { citations, numberOf } = numberSources(
    passages,
    picks.map((s) => s.passage),
  );
  const body = picks.map((s) => `${s.text} [${numberOf.get(s.passage)}]`).join(" ");
  return { text: `${body}\n\n${formatSources(citations)}`, sources: citations, found: true };
}

/** The most central sentences of a text (closest to the whole), at most MAX_SUMMARY_SENTENCES, in their original order. */
export function summarize(text: string, max = MAX_SUMMARY_SENTENCES): string {
  const sentences = splitSentences(text);
  if (sentences.length <= max) return sentences.join(" ");
  const whole = hashEmbed(contentWords(text));
  return sentences
    .map((s, i) => ({ s, i, c: cosine(whole, hashEmbed(contentWords(s))) }))
    .sort((a, b) => b.c - a.c || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i)
    .map(({ s }) => s)
    .join(" ");
}

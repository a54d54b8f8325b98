/** Tuning of the reasoners (M3.5). Each number has its reason. */

/** Names the deterministic reasoner's rules; bump it when templates or retrieval change what it says. */
export const DETERMINISTIC_REASONER_ID = "deterministic-v1";
/** Roughly four characters a token in English with BPE tokenizers; used when a model does not count for us. */
export const CHARS_PER_TOKEN = 4;
/**
 * A sentence must be at least this close (cosine of content words, hash embedder) to the question
 * to count as relevant: related sentences score ≥ 0.28, unrelated ones ≤ 0.13 (see retrieval.test.ts).
 */
export const MIN_RELEVANCE = 0.2;
/** Sentences far weaker than the best one only dilute an answer: keep those within this fraction of it. */
export const RELATIVE_RELEVANCE = 0.5;
/** An extractive answer quotes at most this many sentences: enough to answer, short enough to read. */
export const MAX_ANSWER_SENTENCES = 3;
/** A summary keeps at most this many sentences. */
export const MAX_SUMMARY_SENTENCES = 3;
/** Passages beyond this many are not read: a model's context and a reader's patience are both short. */
export const MAX_PASSAGES = 8;
/** A passage longer than this is cut before it enters a prompt. */
export const MAX_PASSAGE_CHARS = 2_000;
/** Output tokens for a plan: a dozen short steps in JSON. */
export const PLAN_MAX_TOKENS = 400;
/** Output tokens for an answer: a paragraph or two. */
export const ANSWER_MAX_TOKENS = 400;
/** Output tokens for free text when the caller does not say. */
export const DEFAULT_MAX_TOKENS = 256;
/** A plan longer than this is cut: supervision re-plans rather than follow a novel. */
export const MAX_PLAN_STEPS = 12;
/** Quoting a goal in a plan or a refusal stops here. */
export const MAX_TOPIC_CHARS = 200;

/** Tuning of knowledge at the master (issue 5). Each number has its reason. */

/**
 * Cosine similarity at or above which a pushed fact is the same fact as one the master holds, and
 * corroborates it instead of standing beside it. With the hash embedder the same sentence in other case,
 * punctuation or word order scores 0.98–1 and "every 27.3 days" / "every 27 days" 0.94, while one changed
 * word that carries the meaning stays below: Paris/Rome 0.81, mat/hat 0.85, "…in Paris." / "…in Paris,
 * France." 0.91. Override: LUXOS_KNOWLEDGE_MERGE_THRESHOLD.
 */
export const DEFAULT_MERGE_THRESHOLD = 0.92;
/** Energy a new fact starts with, and what each corroborating push adds: energy = this × corroboration. */
export const FACT_ENERGY_PER_CORROBORATION = 10;
/** A fact being's name is the start of its text, short enough for a list. */
export const FACT_NAME_CHARS = 80;
/**
 * HNSW candidates per search (pgvector's hnsw.ef_search, default 40). NOTE: at 30k templated benchmark facts this
 * gives recall@10 0.80 against an exact scan (bench/results/knowledge.json); more candidates trade latency for recall.
 */
export const ASK_EF_SEARCH = 100;
/** Bytes of envelopes one events.push may carry: well under the HTTP body cap (16 MB), so the answer is this sentence, not a 413. */
export const MAX_EVENTS_PUSH_BYTES = 8 * 1024 * 1024;
/** Hits the reasoner reads to compose an answer; the rest are listed, not read. */
export const ANSWER_HITS = 5;
/** Sources listed per hit in knowledge.ask, the most recent first: a fact all beings know would otherwise list them all. */
export const MAX_PROVENANCE_SOURCES = 20;
/** How long knowledge.ask waits for a model to compose its answer before it answers with the deterministic reasoner instead. */
export const ASK_COMPOSE_TIMEOUT_MS = 20_000;
/** Nearest beings a pushed fact is compared with when looking for the fact it repeats: the fact, if any, is among the first few. */
export const NEAREST_CANDIDATES = 10;

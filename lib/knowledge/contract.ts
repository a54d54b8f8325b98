/**
 * The wire contract of knowledge and event ingest between beings and the master (issue 5):
 * `events.push`, `knowledge.push`, `knowledge.ask`, `knowledge.pull`. Shared by the server's
 * routers, the being's sync loop and the Lux host. Names here are contracts: add, never rename.
 *
 * Exactly once: a fact's `id` (a UUID the being chose when it learned it) and an event's `id` are
 * idempotency keys. Sending either again changes nothing and answers the same acknowledgement.
 * A `knowledge.learned` event in `events.push` is applied as the fact with the event's id, in the
 * same transaction as the event is logged.
 */
import { z } from "zod";
import { EMBEDDING_DIMENSIONS, MAIN_BRANCH, MAX_TAG_LENGTH } from "../constants";
import { eventEnvelopeSchema } from "../events";

/** Facts per `knowledge.push`: a being's outbox sends at most this many in one request. */
export const MAX_FACTS_PER_PUSH = 1_000;
/** Events per `events.push`. */
export const MAX_EVENTS_PER_PUSH = 1_000;
/** A fact is a sentence or a short paragraph; longer text is a document, to be split first. */
export const MAX_FACT_TEXT = 4_000;
/** Hits per `knowledge.ask`. */
export const MAX_ASK_K = 100;
/** Facts per `knowledge.pull` page. */
export const MAX_PULL_LIMIT = 1_000;
/** The event type that carries one learned fact through the outbox (`data`: {@link LearnedFactData}). */
export const LEARNED_EVENT_TYPE = "knowledge.learned";
/** Relationship types the master writes. */
export const LEARNED_RELATIONSHIP = "learned";
export const SHARES_KNOWLEDGE_RELATIONSHIP = "shares-knowledge";
/** Tag of a fact being in `base_beings`. */
export const FACT_TAG = "fact";

const uuid = z.uuid({ message: "must be a UUID such as 3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f" }).transform((s) => s.toLowerCase());
const branch = z.string().trim().min(1, "a branch name cannot be empty").max(MAX_TAG_LENGTH).default(MAIN_BRANCH);
const embedding = z
  .array(z.number().finite())
  .length(EMBEDDING_DIMENSIONS, `an embedding has exactly ${EMBEDDING_DIMENSIONS} numbers (the built-in embedder makes them: lib/embed)`);
const confidence = z.number().min(0, "confidence is between 0 and 1").max(1, "confidence is between 0 and 1");
const text = z.string().trim().min(1, "a fact needs text").max(MAX_FACT_TEXT, `a fact is at most ${MAX_FACT_TEXT} characters; split longer text first`);

/** One fact a being learned. Without `embedding` the master embeds `text` with the built-in embedder. */
export const factInputSchema = z.strictObject({
  id: uuid,
  text,
  embedding: embedding.optional(),
  source: uuid,
  branch,
  confidence: confidence.default(0.7),
  learned_at: z.iso.datetime({ offset: true }).optional(),
});
export type FactInput = z.input<typeof factInputSchema>;
export type Fact = z.output<typeof factInputSchema>;

export const knowledgePushSchema = z.strictObject({
  facts: z
    .array(factInputSchema)
    .min(1, "send at least one fact")
    .max(MAX_FACTS_PER_PUSH, `send at most ${MAX_FACTS_PER_PUSH} facts per push; split the batch`),
});
export type KnowledgePushInput = z.input<typeof knowledgePushSchema>;
export type KnowledgePush = z.output<typeof knowledgePushSchema>;

/** What became of one pushed fact. A replay answers exactly what the first push answered. */
export interface FactAck {
  readonly id: string;
  /** The soul of the fact being in `base_beings` this fact now lives in. */
  readonly fact: string;
  /** `created`: a new fact; `merged`: a near-duplicate of `fact`, which it corroborates. */
  readonly status: "created" | "merged";
  /** How many distinct pushes the fact being holds now. */
  readonly corroboration: number;
}
export interface KnowledgePushOutput {
  readonly acks: readonly FactAck[];
}

/** `data` of a `knowledge.learned` event: the fact is `{ id: event.id, source: event.source, ...data }`. */
export const learnedFactDataSchema = z.object({
  text,
  confidence: confidence.default(0.7),
  embedding: embedding.optional(),
  branch: branch.optional(),
});
export type LearnedFactData = z.input<typeof learnedFactDataSchema>;

export const knowledgeAskSchema = z
  .strictObject({
    text: z.string().trim().min(1, "ask something").max(MAX_FACT_TEXT).optional(),
    vector: embedding.optional(),
    k: z.number().int().min(1).max(MAX_ASK_K, `k is at most ${MAX_ASK_K}`).default(10),
    branch,
    /** Only facts at least this confident. */
    min_confidence: confidence.optional(),
    /** Only facts learned by one of these beings. */
    sources: z.array(uuid).max(100).optional(),
    /** Skip the reasoner's composed answer (the hits alone are faster). */
    compose: z.boolean().default(true),
  })
  .refine((q) => (q.text === undefined) !== (q.vector === undefined), { message: "give either text or vector, not both and not neither" });
export type KnowledgeAskInput = z.input<typeof knowledgeAskSchema>;
export type KnowledgeAsk = z.output<typeof knowledgeAskSchema>;

export interface ProvenanceSource {
  readonly soul: string;
  readonly name: string | null;
  readonly learned_at: string;
  readonly confidence: number;
}
export interface KnowledgeHit {
  readonly fact: string;
  readonly text: string;
  /** Cosine similarity to the question, 1 = the same direction. */
  readonly similarity: number;
  readonly confidence: number;
  readonly corroboration: number;
  readonly sources: readonly ProvenanceSource[];
  readonly first_learned: string;
  readonly last_learned: string;
}
export interface KnowledgeAskOutput {
  /** A short answer composed by the master's reasoner from the hits ("" when `compose` was false or nothing matched). */
  readonly answer: string;
  /** Which reasoner composed it (`deterministic`, a model id…). */
  readonly answered_by: string;
  readonly hits: readonly KnowledgeHit[];
  readonly took_ms: number;
  /** Why the answer is not the configured reasoner's (it failed or timed out, and the deterministic one answered). */
  readonly note?: string;
}

export const knowledgePullSchema = z.strictObject({
  /** Opaque; null or absent for the beginning. */
  since: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(MAX_PULL_LIMIT).default(200),
  branch,
  /** Leave out facts only this being taught (it has them already). */
  except_source: uuid.optional(),
  /** Include each fact's embedding (384 numbers each). */
  embeddings: z.boolean().default(false),
});
export type KnowledgePullInput = z.input<typeof knowledgePullSchema>;
export type KnowledgePull = z.output<typeof knowledgePullSchema>;

export interface PulledFact {
  readonly fact: string;
  readonly text: string;
  readonly confidence: number;
  readonly corroboration: number;
  readonly sources: readonly string[];
  readonly updated_at: string;
  readonly embedding?: readonly number[];
}
export interface KnowledgePullOutput {
  readonly facts: readonly PulledFact[];
  /** Pass as `since` next time; it only moves forward. */
  readonly cursor: string | null;
  /** True when there is nothing newer than `cursor` right now. */
  readonly done: boolean;
}

export const eventsPushSchema = z.strictObject({
  events: z
    .array(eventEnvelopeSchema)
    .min(1, "send at least one event")
    .max(MAX_EVENTS_PER_PUSH, `send at most ${MAX_EVENTS_PER_PUSH} events per push; split the batch`),
});
export type EventsPushInput = z.input<typeof eventsPushSchema>;
export type EventsPush = z.output<typeof eventsPushSchema>;

export interface EventAck {
  readonly id: string;
  /** The event's place in the master's global log (1, 2, 3, …); a replay answers the first sequence. */
  readonly seq: number;
  /** For a `knowledge.learned` event: what became of its fact (the same ack `knowledge.push` gives). */
  readonly fact?: FactAck;
  /** For a `knowledge.learned` event whose fact was not applied: why (its source is no being at the master). The event is logged all the same. */
  readonly fact_skipped?: string;
}
export interface EventsPushOutput {
  readonly acks: readonly EventAck[];
}

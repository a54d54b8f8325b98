/**
 * `ASK master` from a being: the master's `knowledge.ask` (vector search with provenance) when it answers;
 * when it cannot be reached, the being's own facts ranked by embedding similarity, labelled offline.
 */
import { z } from "zod";
import { cosine, hashEmbed } from "../../lib/embed";
import type { KnowledgeAskInput } from "../../lib/knowledge/contract";
import { MasterCallError, masterRead } from "./masterFetch";

/** How long ASK waits for the master before it answers from the micro-world. */
export const ASK_TIMEOUT_MS = 8_000;
/** Facts of the micro-world searched offline: the newest, so a long-lived being stays quick. */
export const OFFLINE_FACTS_SEARCHED = 5_000;

export interface AskHit {
  readonly text: string;
  readonly similarity: number;
  readonly confidence: number;
  readonly corroboration: number;
  /** Souls (or names, when the master knows them) of the beings that learned it. */
  readonly sources: readonly string[];
}

/** What ASK master gives the program. `offline` says the master was not reached and `why`. */
export interface AskAnswer {
  readonly answer: string;
  readonly answered_by: string;
  readonly offline: boolean;
  readonly why: string | null;
  readonly hits: readonly AskHit[];
}

export interface LocalFact {
  readonly text: string;
  readonly embedding: Float32Array;
  readonly source: string;
  readonly confidence: number;
}

const askOutputSchema = z.object({
  answer: z.string(),
  answered_by: z.string(),
  hits: z.array(
    z.object({
      text: z.string(),
      similarity: z.number(),
      confidence: z.number(),
      corroboration: z.number(),
      sources: z.array(z.object({ soul: z.string(), name: z.string().nullable() })),
    }),
  ),
});

/** True when the failure means "the master is not there" rather than "the master said no". */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof MasterCallError)
    return (
      error.data.code === undefined || error.data.code === "SERVICE_UNAVAILABLE" || error.data.code === "NOT_FOUND" || error.data.code === "GATEWAY_TIMEOUT"
    );
  // fetch rejects with a TypeError when the network is down, and with an AbortError/TimeoutError when our timeout fires.
  return error instanceof TypeError || (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError"));
}

/** The being's own facts most similar to the question, best first. */
export function searchLocalFacts(question: string, facts: readonly LocalFact[], k: number): AskHit[] {
  const q = hashEmbed(question);
  return facts
    .map((f) => ({ f, s: cosine(q, f.embedding.length === q.length ? f.embedding : hashEmbed(f.text)) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map(({ f, s }) => ({ text: f.text, similarity: Math.round(s * 1000) / 1000, confidence: f.confidence, corroboration: 1, sources: [f.source] }));
}

export interface AskOptions {
  readonly k: number;
  readonly signal: AbortSignal;
  /** The micro-world's facts, read only when the master cannot answer. */
  readonly localFacts: () => readonly LocalFact[];
  /** Calls `knowledge.ask` (a query); defaults to a GET from this origin's master. */
  readonly ask?: (input: KnowledgeAskInput, signal: AbortSignal) => Promise<unknown>;
}

/**
 * Asks the master; when it cannot be reached (network down, server gone, no knowledge service yet), answers
 * from the being's micro-world and says so. A refusal by the master (a bad question) is an error, not offline.
 *
 * @example const a = await askMaster("what slows the nightly import?", { k: 5, signal, localFacts: () => world.factVectors(5000) })
 */
export async function askMaster(question: string, options: AskOptions): Promise<AskAnswer> {
  const ask = options.ask ?? ((input, signal) => masterRead("knowledge.ask", input, signal));
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(ASK_TIMEOUT_MS)]);
  try {
    const out = askOutputSchema.parse(await ask({ text: question, k: options.k }, signal));
    return {
      answer: out.answer,
      answered_by: out.answered_by,
      offline: false,
      why: null,
      hits: out.hits.map((h) => ({
        text: h.text,
        similarity: Math.round(h.similarity * 1000) / 1000,
        // NOTE: the master keeps confidence as a 4-byte float; three decimals are what was taught.
        confidence: Math.round(h.confidence * 1000) / 1000,
        corroboration: h.corroboration,
        sources: h.sources.map((s) => s.name ?? s.soul),
      })),
    };
  } catch (error) {
    if (options.signal.aborted || !isUnreachable(error)) throw error;
    const hits = searchLocalFacts(question, options.localFacts(), options.k);
    const detail = error instanceof Error ? error.message : String(error);
    return {
      answer: hits[0]?.text ?? "",
      answered_by: "micro-world",
      offline: true,
      why: `the master could not be reached (${detail}); this answer comes from the being's own facts`,
      hits,
    };
  }
}

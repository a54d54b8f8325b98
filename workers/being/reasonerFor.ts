/**
 * The one place a being's worker picks its reasoner, so a new one is a change here only.
 * The deterministic reasoner always runs; the others need the tab's LLM worker or the server's
 * proxy, which a being's worker does not reach yet, so they fall back and say why.
 */
import { createDeterministicReasoner, type Reasoner } from "../../lib/reason";
import type { ReasonerChoice } from "./api";

export interface ChosenReasoner {
  readonly reasoner: Reasoner;
  /** In words: why this one runs (and, after a fallback, what was asked for). */
  readonly why: string;
}

/** The reasoner a being gets for `choice`, with the reason. Never throws. */
export async function reasonerFor(choice: ReasonerChoice): Promise<ChosenReasoner> {
  const reasoner = createDeterministicReasoner();
  const { why } = await reasoner.available();
  if (choice === "deterministic") return { reasoner, why };
  const asked = choice === "webllm" ? "WebLLM" : "the OpenAI-compatible endpoint";
  // NOTE: WebLLM lives in the tab's one LLM worker and the endpoint behind the server; a being's worker has no bridge to either yet.
  return { reasoner, why: `asked for ${asked}, which being workers cannot reach yet; fell back to the deterministic reasoner (${why})` };
}

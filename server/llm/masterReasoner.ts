import "../serverOnly";
import { completeInputSchema, createDeterministicReasoner, createOpenAiCompatibleReasoner, type Reasoner } from "../../lib/reason";
import type { ReasoningConfig } from "./config";
import { chatCompletion, describeEndpoint, NOT_CONFIGURED } from "./openAiCompatible";

/**
 * The reasoner the master thinks with: the OpenAI-compatible endpoint when LUXOS_LLM_URL is set,
 * the deterministic reasoner otherwise (the same one every being has).
 */
export function createMasterReasoner(config: ReasoningConfig): Reasoner {
  const { llm } = config;
  if (!llm) return createDeterministicReasoner();
  return createOpenAiCompatibleReasoner({
    complete: (input, signal) => chatCompletion(llm, completeInputSchema.parse(input), signal ? { signal } : {}),
    available: () => Promise.resolve(llm ? { ok: true, why: `LUXOS_LLM_URL is ${describeEndpoint(llm.url)}` } : { ok: false, why: NOT_CONFIGURED }),
    ...(llm.model && { model: llm.model }),
  });
}

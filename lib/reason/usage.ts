import { costOf, type TikiStep } from "../tiki";
import { CHARS_PER_TOKEN } from "./constants";
import type { ReasonerKind, Usage } from "./Reasoner";

/** Tokens in a text, estimated as characters / 4 rounded up (0 for an empty text). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The Tiki step a usage stands for, for `costOf`, `spend` or a budget check. */
export function toTikiStep(usage: Pick<Usage, "provider" | "tokensIn" | "tokensOut">): TikiStep {
  return { kind: "llm", provider: usage.provider, tokensIn: usage.tokensIn, tokensOut: usage.tokensOut };
}

/**
 * A usage record: tokens (counted by the model, or estimated from the texts), latency, and Tiki.
 *
 * @example createUsage("webllm", { tokensIn: 1200, tokensOut: 300 }, 850).tiki // 42
 */
export function createUsage(provider: ReasonerKind, tokens: { tokensIn: number; tokensOut: number; estimated?: boolean }, latencyMs: number): Usage {
  const step = toTikiStep({ provider, tokensIn: tokens.tokensIn, tokensOut: tokens.tokensOut });
  return {
    provider,
    tokensIn: tokens.tokensIn,
    tokensOut: tokens.tokensOut,
    estimated: tokens.estimated ?? false,
    latencyMs: Math.max(0, Math.round(latencyMs)),
    tiki: costOf(step).tiki,
  };
}

/** Estimated tokens of texts sent and received. */
export function estimatedTokens(sent: readonly string[], received: string): { tokensIn: number; tokensOut: number; estimated: true } {
  return { tokensIn: sent.reduce((sum, text) => sum + estimateTokens(text), 0), tokensOut: estimateTokens(received), estimated: true };
}

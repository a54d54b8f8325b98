/**
 * The Tiki router (M7): given a task's need and what is left of its budget, picks the cheapest
 * reasoner that can do the work and says why, in words a person reads in the ledger.
 */
import { z } from "zod";
import { costOf, type LlmProvider } from "./tiki";

/** How good an answer the task needs: `any` takes the model-free reasoner; `model` needs a language model; `strong` the largest one. */
export const qualitySchema = z.enum(["any", "model", "strong"]);
export type Quality = z.infer<typeof qualitySchema>;

/** What each reasoner can deliver, weakest first. */
const QUALITY_OF: Record<LlmProvider, number> = { deterministic: 0, webllm: 1, openai_compatible: 2 };
const NEEDED: Record<Quality, number> = { any: 0, model: 1, strong: 2 };

export const routeNeedSchema = z.strictObject({
  tokens_in: z.number().int().min(0).max(10_000_000),
  tokens_out: z.number().int().min(0).max(10_000_000),
  quality: qualitySchema.default("any"),
});
export type RouteNeed = z.output<typeof routeNeedSchema>;

export interface RouteCandidate {
  provider: LlmProvider;
  /** Whether this reasoner runs here now (a model folder, a configured endpoint). */
  available: boolean;
  estimate: number;
  /** Why it was not chosen, when it was not. */
  rejected: string | null;
}

export type RouteDecision =
  { ok: true; provider: LlmProvider; estimate: number; why: string; candidates: RouteCandidate[] } | { ok: false; why: string; candidates: RouteCandidate[] };

/**
 * Chooses the cheapest available reasoner whose quality meets the need and whose estimated cost
 * fits `remaining` (null: no budget applies).
 *
 * @example route({ tokens_in: 800, tokens_out: 200, quality: "model" }, 500, ["deterministic", "openai_compatible"])
 * // { ok: true, provider: "openai_compatible", estimate: 240, why: "openai_compatible: the cheapest reasoner of quality model that fits 500 Tiki (240) …" }
 */
export function route(need: RouteNeed, remaining: number | null, available: readonly LlmProvider[]): RouteDecision {
  const providers = Object.keys(QUALITY_OF) as LlmProvider[];
  const candidates: RouteCandidate[] = providers
    .map((provider) => ({
      provider,
      available: available.includes(provider),
      estimate: costOf({ kind: "llm", provider, tokensIn: need.tokens_in, tokensOut: need.tokens_out }).tiki,
      rejected: null as string | null,
    }))
    .sort((a, b) => a.estimate - b.estimate);
  for (const c of candidates) {
    if (!c.available) c.rejected = "not available here";
    else if (QUALITY_OF[c.provider] < NEEDED[need.quality]) c.rejected = `below the quality the task needs (${need.quality})`;
    else if (remaining !== null && c.estimate > remaining) c.rejected = `costs ${c.estimate} Tiki, more than the ${remaining} left`;
  }
  const chosen = candidates.find((c) => c.rejected === null);
  if (!chosen) {
    const why = `No reasoner fits: ${candidates.map((c) => `${c.provider} ${c.rejected}`).join("; ")}. Raise the budget, lower the quality, or shorten the task.`;
    return { ok: false, why, candidates };
  }
  const cheaper = candidates.filter((c) => c.estimate < chosen.estimate).map((c) => `${c.provider} ${c.rejected}`);
  const why =
    `${chosen.provider}: the cheapest reasoner of quality ${need.quality} that fits ${remaining === null ? "the unlimited budget" : `${remaining} Tiki`} ` +
    `(estimate ${chosen.estimate})${cheaper.length ? `; cheaper ones: ${cheaper.join("; ")}` : ""}.`;
  return { ok: true, provider: chosen.provider, estimate: chosen.estimate, why, candidates };
}

/** A rough token count of text, for estimates before a model has counted (about four characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The one place a being's worker picks its reasoner, so a new one is a change here only.
 * The deterministic reasoner always runs. The OpenAI-compatible endpoint is reached through the
 * master's `reasoning.complete` (same origin; the key stays on the server). WebLLM runs in the tab's
 * one LLM worker, reached through a port the page brokers (`llmPort.ts`). When the one asked for
 * cannot run, the being falls back to the deterministic reasoner and says why.
 */
import {
  createDeterministicReasoner,
  createOpenAiCompatibleReasoner,
  createWebLlmReasoner,
  type Availability,
  type LlmWorkerApi,
  type Reasoner,
} from "../../lib/reason";
import type { ReasonerChoice } from "./api";
import { masterComplete, serverReasoner, serverWebLlmModel } from "./masterFetch";

/** How long the LLM worker may take to say whether WebGPU is there before the being stops waiting. */
const DETECT_TIMEOUT_MS = 10_000;

export interface ChosenReasoner {
  readonly reasoner: Reasoner;
  /** In words: why this one runs (and, after a fallback, what was asked for and why it cannot run). */
  readonly why: string;
}

/** What the worker can reach: the page's port to the tab's LLM worker (WebLLM beings only) and the page's origin. */
export interface ReasonerReach {
  readonly llm?: LlmWorkerApi | null;
  readonly origin?: string;
}

const ASKED: Record<Exclude<ReasonerChoice, "deterministic">, string> = { webllm: "WebLLM", openai: "the OpenAI-compatible endpoint" };

/** The reasoner a being gets for `choice`, with the reason. Never throws. */
export async function reasonerFor(choice: ReasonerChoice, reach: ReasonerReach = {}): Promise<ChosenReasoner> {
  const deterministic = createDeterministicReasoner();
  const fallback = async (why: string): Promise<ChosenReasoner> => ({
    reasoner: deterministic,
    why: `asked for ${ASKED[choice as keyof typeof ASKED]}, which cannot run here: ${why}; fell back to the deterministic reasoner (${(await deterministic.available()).why})`,
  });
  if (choice === "deterministic") return { reasoner: deterministic, why: (await deterministic.available()).why };
  try {
    const picked = choice === "openai" ? await openAiCompatible() : await webLlm(reach);
    if (!("reasoner" in picked)) return await fallback(picked.why);
    const { ok, why } = await picked.reasoner.available();
    return ok ? { reasoner: picked.reasoner, why } : await fallback(why);
  } catch (error) {
    return fallback(`the master could not be asked (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function openAiCompatible(): Promise<{ reasoner: Reasoner }> {
  const { model } = await serverReasoner("openai_compatible");
  const available = async (): Promise<Availability> => {
    const { ok, why } = await serverReasoner("openai_compatible");
    return { ok, why };
  };
  return { reasoner: createOpenAiCompatibleReasoner({ complete: masterComplete, available, ...(model !== null && { model }) }) };
}

async function webLlm(reach: ReasonerReach): Promise<{ reasoner: Reasoner } | { why: string }> {
  const { llm, origin } = reach;
  if (!llm || !origin) return { why: "the page gave this worker no connection to the tab's LLM worker" };
  // NOTE: WebGPU first: without an adapter no model matters, and that is the reason a person can act on.
  const gpu = await withTimeout(
    llm
      .detect()
      .catch((error: unknown): Availability => ({ ok: false, why: `the tab's LLM worker failed (${error instanceof Error ? error.message : String(error)})` })),
    DETECT_TIMEOUT_MS,
    { ok: false, why: `the tab's LLM worker did not answer within ${DETECT_TIMEOUT_MS / 1000} s` },
  );
  if (!gpu.ok) return { why: gpu.why };
  const found = await serverWebLlmModel();
  if ("why" in found) return found;
  return { reasoner: createWebLlmReasoner({ worker: llm, model: found.model, origin }) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, otherwise: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(otherwise), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

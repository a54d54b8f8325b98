"use client";
import type { ReasonerChoice } from "../../../workers/being/api";
import { serverReasoner } from "../../../workers/being/masterFetch";

export interface ReasonerOption {
  readonly choice: ReasonerChoice;
  readonly label: string;
  readonly available: boolean;
  readonly why: string;
}

const FALLS_BACK = "a being that asks for it falls back to the deterministic reasoner and says why";

/** "<why>; <what happens>", without a stray full stop from `why`. */
const fallsBack = (why: string) => `${why.replace(/\.\s*$/u, "")}; ${FALLS_BACK}`;

/** What the master says of a reasoner kind; a master that cannot be asked says so. */
async function fromServer(kind: "webllm" | "openai_compatible"): Promise<{ ok: boolean; why: string }> {
  try {
    return await serverReasoner(kind);
  } catch (error) {
    return { ok: false, why: `the master could not be asked (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * Which reasoners this browser could run, and why (not): the same checks a being's worker makes
 * (`workers/being/reasonerFor.ts`), so the form and the card agree. Never rejects.
 */
export async function reasonerOptions(): Promise<ReasonerOption[]> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let webgpu = false;
  try {
    webgpu = gpu !== undefined && (await gpu.requestAdapter()) !== null;
  } catch {
    webgpu = false;
  }
  const [webllm, endpoint] = await Promise.all([fromServer("webllm"), fromServer("openai_compatible")]);
  const webllmOk = webgpu && webllm.ok;
  return [
    { choice: "deterministic", label: "Deterministic", available: true, why: "needs no model: plans from goal templates, answers from its micro-world" },
    {
      choice: "webllm",
      label: "WebLLM",
      available: webllmOk,
      why: !webgpu ? `no WebGPU adapter in this browser; ${FALLS_BACK}` : webllmOk ? `runs in this tab's one LLM worker: ${webllm.why}` : fallsBack(webllm.why),
    },
    {
      choice: "openai",
      label: "OpenAI-compatible",
      available: endpoint.ok,
      why: endpoint.ok ? `proxied by the master, which keeps the key: ${endpoint.why}` : fallsBack(endpoint.why),
    },
  ];
}

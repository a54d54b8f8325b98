"use client";
import type { ReasonerChoice } from "../../../workers/being/api";

export interface ReasonerOption {
  readonly choice: ReasonerChoice;
  readonly label: string;
  readonly available: boolean;
  readonly why: string;
}

/** Which reasoners this browser could run, and why (not). Never rejects. */
export async function reasonerOptions(): Promise<ReasonerOption[]> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  let webgpu = false;
  try {
    webgpu = gpu !== undefined && (await gpu.requestAdapter()) !== null;
  } catch {
    webgpu = false;
  }
  const fallback = "being workers cannot reach it yet, so the being falls back to the deterministic reasoner and says so";
  return [
    { choice: "deterministic", label: "Deterministic", available: true, why: "needs no model: plans from goal templates, answers from its micro-world" },
    {
      choice: "webllm",
      label: "WebLLM",
      available: false,
      why: webgpu ? `WebGPU is present, but ${fallback}` : "no WebGPU adapter in this browser, so no local model can run",
    },
    { choice: "openai", label: "OpenAI-compatible", available: false, why: `proxied by the master (LUXOS_LLM_URL); ${fallback}` },
  ];
}

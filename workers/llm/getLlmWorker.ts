import { connectLlmWorker } from "./connectLlmWorker";
import type { LlmWorkerApi } from "../../lib/reason/llmWorkerProtocol";

/** The page's handle on the LLM worker. */
export interface LlmWorkerHandle {
  /** The worker's API; pass it to `createWebLlmReasoner({ worker: handle.api, … })`. */
  readonly api: LlmWorkerApi;
  /** Idempotent: frees the GPU memory and stops the worker. */
  close(): Promise<void>;
}

let shared: LlmWorkerHandle | undefined;

/**
 * The tab's one LLM worker, started on first use: every being in the tab shares its engine and queue,
 * because a GPU holds one model at a time and WebLLM must not run two requests at once.
 *
 * @example
 * const reasoner = createWebLlmReasoner({ worker: getLlmWorker().api, model: { id, lib }, origin: location.origin });
 */
export function getLlmWorker(): LlmWorkerHandle {
  if (shared) return shared;
  const worker = new Worker(new URL("./llm.worker.ts", import.meta.url), { type: "module", name: "luxos-llm" });
  const connection = connectLlmWorker(worker);
  const api = connection.api;
  let closing: Promise<void> | undefined;
  const handle: LlmWorkerHandle = {
    api,
    close: () =>
      (closing ??= (async () => {
        if (shared === handle) shared = undefined;
        await api.unload().catch((error: unknown) => console.warn("[llm worker] unload failed while closing:", error));
        connection.release();
        worker.terminate();
      })()),
  };
  shared = handle;
  return handle;
}

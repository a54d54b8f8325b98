import { createChatReasoner } from "./createChatReasoner";
import {
  availabilitySchema,
  llmChatResultSchema,
  llmLoadResultSchema,
  llmProgressSchema,
  type LlmLoadRequest,
  type LlmProgress,
  type LlmWorkerApi,
  type WebLlmModel,
} from "./llmWorkerProtocol";
import type { Reasoner } from "./Reasoner";
import { ReasonerError } from "./ReasonerError";

export interface WebLlmReasonerOptions {
  /** The tab's LLM worker (`getLlmWorker()` in workers/llm), or anything speaking its protocol. */
  readonly worker: LlmWorkerApi;
  /** A model folder the server has (`reasoning.models` lists them with their libraries). */
  readonly model: WebLlmModel;
  /** Where `/models/` is served: the page's `location.origin`. */
  readonly origin: string;
  /** Request ids for cancellation; `crypto.randomUUID` unless given. */
  readonly newId?: () => string;
  readonly now?: () => number;
}

/** A reasoner on WebLLM that can also load its model ahead of time and report the progress. */
export interface WebLlmReasoner extends Reasoner {
  /** Loads the model now (otherwise the first call does); rejects with a ReasonerError when it cannot. */
  load(): Promise<void>;
  /** Loading progress of this reasoner's model, for a progress bar. Returns an unsubscribe. */
  onProgress(listener: (progress: LlmProgress) => void): () => void;
}

/**
 * WebLLM in the tab's LLM worker (M3.5), as a Reasoner. Requests wait their turn in the worker's queue;
 * aborting a call's signal cancels it there. The model comes from our own server's `/models/`.
 *
 * @example
 * const reasoner = createWebLlmReasoner({ worker: getLlmWorker().api, model: { id, lib }, origin: location.origin });
 * const { ok, why } = await reasoner.available(); // { ok: false, why: "no WebGPU adapter" } on most CI machines
 */
export function createWebLlmReasoner(options: WebLlmReasonerOptions): WebLlmReasoner {
  const { worker, model, origin } = options;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const load: LlmLoadRequest = { model: { id: model.id, lib: model.lib }, origin };
  const listeners = new Set<(progress: LlmProgress) => void>();
  let subscription: Promise<number> | undefined;

  const reasoner = createChatReasoner({
    id: `webllm:${model.id}`,
    kind: "webllm",
    available: async () => {
      const availability = availabilitySchema.safeParse(await worker.detect(load));
      return availability.success ? availability.data : { ok: false, why: "the LLM worker answered something unreadable; reload the page" };
    },
    ...(options.now && { now: options.now }),
    chat: async ({ messages, maxTokens, temperature, signal }) => {
      const id = newId();
      const onAbort = () => void worker.cancel(id);
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        const raw = await worker.chat({ id, load, messages: messages.map((m) => ({ role: m.role, content: m.content })), maxTokens, temperature });
        const result = llmChatResultSchema.safeParse(raw);
        if (!result.success) throw new ReasonerError("failed", "the LLM worker answered something unreadable; reload the page");
        if (!result.data.ok) throw new ReasonerError(result.data.error.reason, result.data.error.message);
        const { text, finishReason, tokensIn, tokensOut } = result.data.value;
        return { text, finishReason, ...(tokensIn !== undefined && tokensOut !== undefined && { tokensIn, tokensOut }) };
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    },
  });

  return {
    ...reasoner,
    async load() {
      const result = llmLoadResultSchema.safeParse(await worker.load(load));
      if (!result.success) throw new ReasonerError("failed", "the LLM worker answered something unreadable; reload the page");
      if (!result.data.ok) throw new ReasonerError(result.data.error.reason, result.data.error.message);
    },
    onProgress(listener) {
      listeners.add(listener);
      subscription ??= worker.subscribe((raw) => {
        const progress = llmProgressSchema.safeParse(raw);
        if (progress.success && progress.data.modelId === model.id) for (const l of [...listeners]) l(progress.data);
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !subscription) return;
        const pending = subscription;
        subscription = undefined;
        // NOTE: a worker that is already gone has nothing left to unsubscribe from.
        pending.then((id) => worker.unsubscribe(id)).catch(() => undefined);
      };
    },
  };
}

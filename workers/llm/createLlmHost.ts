import type { AppConfig } from "@mlc-ai/web-llm";
import {
  LLM_WORKER_PROTOCOL_VERSION,
  type LlmChatReply,
  type LlmLoadRequest,
  type LlmProgress,
  type LlmWorkerApi,
  type LlmWorkerResult,
} from "../../lib/reason/llmWorkerProtocol";
import type { Availability, ChatMessage } from "../../lib/reason/Reasoner";
import { ReasonerError, type ReasonerErrorReason } from "../../lib/reason/ReasonerError";
import { DETECT_FETCH_TIMEOUT_MS, MAX_QUEUED_REQUESTS, PROGRESS_INTERVAL_MS } from "./constants";
import { createRequestQueue, QueueCancelled } from "./requestQueue";
import { buildAppConfig, modelUrls, requiredFeatures } from "./webLlmConfig";

/** The little of WebGPU the worker looks at (TypeScript's DOM types do not have WebGPU yet). */
export interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}
export interface GpuAdapterLike {
  readonly features: { has(feature: string): boolean };
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly isFallbackAdapter?: boolean };
}

/** WebLLM's init progress report. */
export interface EngineProgress {
  progress: number;
  text: string;
}

/** The part of WebLLM's MLCEngine the worker uses: small enough to fake in tests. */
export interface LlmEngine {
  setAppConfig(config: AppConfig): void;
  reload(modelId: string): Promise<void>;
  chatCompletion(request: { messages: ChatMessage[]; max_tokens: number; temperature: number }): Promise<{
    choices: { message: { content: string | null }; finish_reason: string | null }[];
    usage?: { prompt_tokens: number; completion_tokens: number };
  }>;
  interruptGenerate(): void;
  unload(): Promise<void>;
}

export interface LlmHostDeps {
  /** `navigator.gpu` in a worker. */
  gpu: () => GpuLike | undefined;
  /** Makes the engine, the first time a model is loaded. */
  createEngine: (config: AppConfig, onProgress: (report: EngineProgress) => void) => Promise<LlmEngine>;
  fetch: typeof fetch;
  now: () => number;
}

/** WebLLM imported only now, when a model is actually loaded: 15 MB the page never pays for otherwise. */
export async function createWebLlmEngine(config: AppConfig, onProgress: (report: EngineProgress) => void): Promise<LlmEngine> {
  const webllm = await import("@mlc-ai/web-llm");
  const engine = new webllm.MLCEngine({ appConfig: config, initProgressCallback: onProgress });
  return {
    setAppConfig: (c) => engine.setAppConfig(c),
    reload: (id) => engine.reload(id),
    chatCompletion: (request) => engine.chatCompletion({ ...request, stream: false }),
    // NOTE: MLCEngine's interruptGenerate is async but only sets a flag the decode loop checks; nothing to wait for.
    interruptGenerate: () => void engine.interruptGenerate(),
    unload: () => engine.unload(),
  };
}

export function browserDeps(): LlmHostDeps {
  return {
    gpu: () => (navigator as Navigator & { gpu?: GpuLike }).gpu,
    createEngine: createWebLlmEngine,
    fetch: (input, init) => fetch(input, init),
    now: () => performance.now(),
  };
}

function failure(reason: ReasonerErrorReason, message: string): { ok: false; error: { reason: ReasonerErrorReason; message: string } } {
  return { ok: false, error: { reason, message } };
}

function asFailure(error: unknown): { ok: false; error: { reason: ReasonerErrorReason; message: string } } {
  if (error instanceof QueueCancelled) return failure(error.reason === "cancelled" ? "aborted" : "unavailable", error.message);
  if (error instanceof ReasonerError) return failure(error.reason, error.message);
  return failure("failed", error instanceof Error ? error.message : String(error));
}

/**
 * The LLM worker's object: ONE WebLLM engine for the whole tab, every request through one FIFO
 * queue (see requestQueue.ts for why), loading progress to every subscriber, cancellation by id.
 */
export function createLlmHost(deps: LlmHostDeps = browserDeps()): LlmWorkerApi & { close(): Promise<void> } {
  const queue = createRequestQueue({ maxQueued: MAX_QUEUED_REQUESTS, now: deps.now });
  const listeners = new Map<number, (progress: LlmProgress) => void>();
  let nextListener = 1;
  let engine: LlmEngine | undefined;
  let loaded: string | null = null;
  let adapter: Promise<GpuAdapterLike | null> | undefined;
  // NOTE: the engine keeps the progress callback it was made with; this indirection points it at the current load.
  let currentProgress: (report: EngineProgress) => void = () => undefined;

  function emit(progress: LlmProgress): void {
    for (const listener of listeners.values()) {
      try {
        listener(progress);
      } catch (error) {
        // NOTE: a page that went away leaves a dead proxy behind; one broken listener must not stop a load.
        console.warn("[llm worker] a progress listener failed:", error);
      }
    }
  }

  function gpuAdapter(): Promise<GpuAdapterLike | null> {
    const gpu = deps.gpu();
    if (!gpu) return Promise.resolve(null);
    adapter ??= gpu.requestAdapter().catch(() => null);
    return adapter;
  }

  /** Why this browser cannot run the model, or null when it can. */
  async function gpuProblem(modelId: string | undefined): Promise<string | null> {
    if (!deps.gpu()) return "no WebGPU in this browser (navigator.gpu is missing)";
    const found = await gpuAdapter();
    if (!found) return "no WebGPU adapter";
    const missing = modelId ? requiredFeatures(modelId).filter((f) => !found.features.has(f)) : [];
    if (missing.length > 0) return `${modelId} needs the GPU feature ${missing.join(", ")}, which this adapter lacks; use a q4f32 model`;
    return null;
  }

  async function serverProblem(request: LlmLoadRequest): Promise<string | null> {
    const urls = modelUrls(request);
    for (const url of [urls.config, urls.lib]) {
      let status: number;
      try {
        status = (await deps.fetch(url, { method: "HEAD", signal: AbortSignal.timeout(DETECT_FETCH_TIMEOUT_MS) })).status;
      } catch {
        return `the server did not answer for ${url}`;
      }
      if (status === 404)
        return `the server has no ${url.endsWith(".wasm") ? "model library" : "weights"} for ${request.model.id} (${new URL(url).pathname}): put the MLC model folder in LUXOS_MODELS_DIR/${request.model.id}/`;
      if (status >= 400) return `the server answered ${status} for ${url}`;
    }
    return null;
  }

  /** Loads `request.model` unless it is the one in the engine. Runs inside the queue only. */
  async function ensureModel(request: LlmLoadRequest, signal: AbortSignal): Promise<void> {
    const modelId = request.model.id;
    if (loaded === modelId) return;
    const started = deps.now();
    const elapsed = () => Math.max(0, deps.now() - started);
    emit({ modelId, phase: "loading", fraction: 0, text: "checking WebGPU", elapsedMs: 0 });
    try {
      const problem = await gpuProblem(modelId);
      if (problem) throw new ReasonerError("unavailable", problem);
      let lastSent = -Infinity;
      const onProgress = (report: EngineProgress) => {
        const at = elapsed();
        if (at - lastSent < PROGRESS_INTERVAL_MS && report.progress < 1) return;
        lastSent = at;
        emit({ modelId, phase: "loading", fraction: Math.min(1, Math.max(0, report.progress || 0)), text: report.text, elapsedMs: at });
      };
      const config = buildAppConfig(request);
      loaded = null;
      if (engine) engine.setAppConfig(config);
      else engine = await deps.createEngine(config, (report) => currentProgress(report));
      currentProgress = onProgress;
      await engine.reload(modelId);
      loaded = modelId;
      emit({ modelId, phase: "ready", fraction: 1, text: `${modelId} is ready`, elapsedMs: elapsed() });
    } catch (error) {
      const message =
        error instanceof ReasonerError
          ? error.message
          : `could not load ${modelId} from ${modelUrls(request).base}: ${error instanceof Error ? error.message : String(error)}`;
      emit({ modelId, phase: "failed", fraction: 0, text: message, elapsedMs: elapsed() });
      throw error instanceof ReasonerError ? error : new ReasonerError("failed", message, { cause: error });
    }
    if (signal.aborted) throw signal.reason;
  }
  async function generate(request: Parameters<LlmWorkerApi["chat"]>[0], signal: AbortSignal, queuedMs: number): Promise<LlmChatReply> {
    await ensureModel(request.load, signal);
    const onAbort = () => engine?.interruptGenerate();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const reply = await engine!.chatCompletion({
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        max_tokens: request.maxTokens,
        temperature: request.temperature,
      });
      if (signal.aborted) throw signal.reason;
      const choice = reply.choices[0];
      if (!choice) throw new ReasonerError("failed", "the model returned no answer");
      return {
        text: choice.message.content ?? "",
        finishReason: choice.finish_reason === "length" ? "length" : "stop",
        ...(reply.usage && { tokensIn: reply.usage.prompt_tokens, tokensOut: reply.usage.completion_tokens }),
        queuedMs,
      };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  return {
    async detect(request): Promise<Availability> {
      const problem = (await gpuProblem(request?.model.id)) ?? (request ? await serverProblem(request) : null);
      if (problem) return { ok: false, why: problem };
      const info = (await gpuAdapter())?.info;
      const name = [info?.vendor, info?.architecture].filter(Boolean).join(" ") || "unnamed";
      const slow = info?.isFallbackAdapter ? " (a software fallback: expect it to be very slow)" : "";
      return { ok: true, why: `WebGPU adapter ${name}${slow}${request ? `; the server has ${request.model.id}` : ""}` };
    },

    async load(request): Promise<LlmWorkerResult<{ modelId: string; ms: number }>> {
      const started = deps.now();
      if (queue.size > 0 || queue.running)
        emit({ modelId: request.model.id, phase: "queued", fraction: 0, text: "waiting for the model to be free", elapsedMs: 0 });
      try {
        await queue.enqueue(`load:${request.model.id}`, (signal) => ensureModel(request, signal));
        return { ok: true, value: { modelId: request.model.id, ms: Math.max(0, deps.now() - started) } };
      } catch (error) {
        return asFailure(error);
      }
    },

    async chat(request): Promise<LlmWorkerResult<LlmChatReply>> {
      try {
        return { ok: true, value: await queue.enqueue(request.id, (signal, queuedMs) => generate(request, signal, queuedMs)) };
      } catch (error) {
        return asFailure(error);
      }
    },

    cancel: (id) => Promise.resolve(queue.cancel(id)),

    subscribe(listener) {
      const id = nextListener++;
      listeners.set(id, listener);
      return Promise.resolve(id);
    },

    unsubscribe(id) {
      listeners.delete(id);
      return Promise.resolve();
    },

    status: () => Promise.resolve({ version: LLM_WORKER_PROTOCOL_VERSION, model: loaded, running: queue.running, queued: queue.size }),

    async unload() {
      queue.cancelAll("cancelled");
      await queue.enqueue("unload", async () => {
        loaded = null;
        await engine?.unload();
      });
    },

    async close() {
      queue.cancelAll("closed");
      listeners.clear();
      loaded = null;
      const closing = engine?.unload();
      engine = undefined;
      await closing;
    },
  };
}

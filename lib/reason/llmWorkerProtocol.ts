import { z } from "zod";
import type { Availability, ChatMessage } from "./Reasoner";
import type { ReasonerErrorReason } from "./ReasonerError";

/**
 * The page ↔ LLM worker protocol (workers/llm): one WebLLM engine per tab, requests one at a time.
 * The worker exposes `LlmWorkerApi` over comlink; the page imports this file for the types and
 * the parsers, never the worker's code.
 */

/** Bump when a method or a message shape changes; `status().version` tells the page which worker it got. */
export const LLM_WORKER_PROTOCOL_VERSION = 1;

/** A model folder under the server's `/models/`. */
export interface WebLlmModel {
  /** The folder name, which is also WebLLM's `model_id`: `Qwen2.5-0.5B-Instruct-q4f32_1-MLC`. */
  readonly id: string;
  /** The model library in that folder, with or without `.wasm` (`reasoning.models` lists them). */
  readonly lib: string;
}

/** Which model to load and from which server (the page's `location.origin`). */
export interface LlmLoadRequest {
  readonly model: WebLlmModel;
  readonly origin: string;
}

/** Loading progress, for a progress bar: `fraction` from 0 to 1, `text` as WebLLM words it. */
export interface LlmProgress {
  readonly modelId: string;
  readonly phase: "queued" | "loading" | "ready" | "failed";
  readonly fraction: number;
  readonly text: string;
  readonly elapsedMs: number;
}

/** One generation; `id` is the caller's, for `cancel(id)`. The model is loaded first if it is not the current one. */
export interface LlmChatRequest {
  readonly id: string;
  readonly load: LlmLoadRequest;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature: number;
}

export interface LlmChatReply {
  readonly text: string;
  readonly finishReason: "stop" | "length";
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  /** Milliseconds the request waited behind others before it ran. */
  readonly queuedMs: number;
}

/** Expected failures come back as values: a thrown Error loses its reason code crossing postMessage. */
export type LlmWorkerResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly reason: ReasonerErrorReason; readonly message: string } };

export interface LlmWorkerStatus {
  readonly version: number;
  /** The model in the engine, if any. */
  readonly model: string | null;
  /** The request running now (a chat id or `load:<model>`), if any. */
  readonly running: string | null;
  /** Requests waiting behind it. */
  readonly queued: number;
}

/**
 * What the LLM worker does. Every method answers a promise, so the same interface describes the
 * worker's object and the page's comlink proxy (with `proxy()` around the listener).
 */
export interface LlmWorkerApi {
  /** Whether WebGPU is there (`no WebGPU adapter` when `requestAdapter()` gives null) and, given a model, whether the server has its files. */
  detect(request?: LlmLoadRequest): Promise<Availability>;
  /** Loads a model (queued like every request); progress goes to subscribers. */
  load(request: LlmLoadRequest): Promise<LlmWorkerResult<{ readonly modelId: string; readonly ms: number }>>;
  chat(request: LlmChatRequest): Promise<LlmWorkerResult<LlmChatReply>>;
  /** Cancels a queued or running request by id; answers whether there was one. */
  cancel(id: string): Promise<boolean>;
  /** Progress of every load, for every page component that draws one. Answers an id for `unsubscribe`. */
  subscribe(listener: (progress: LlmProgress) => void): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  status(): Promise<LlmWorkerStatus>;
  /** Cancels everything and frees the GPU memory; the next request loads again. */
  unload(): Promise<void>;
}

const reasonSchema = z.enum(["unavailable", "aborted", "timeout", "failed", "invalid"]);

export const availabilitySchema = z.object({ ok: z.boolean(), why: z.string() });

export const llmProgressSchema = z.object({
  modelId: z.string(),
  phase: z.enum(["queued", "loading", "ready", "failed"]),
  fraction: z.number().min(0).max(1),
  text: z.string(),
  elapsedMs: z.number().min(0),
});

const failureSchema = z.object({ ok: z.literal(false), error: z.object({ reason: reasonSchema, message: z.string() }) });

export const llmChatResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    value: z.object({
      text: z.string(),
      finishReason: z.enum(["stop", "length"]),
      tokensIn: z.number().int().min(0).optional(),
      tokensOut: z.number().int().min(0).optional(),
      queuedMs: z.number().min(0),
    }),
  }),
  failureSchema,
]);

export const llmLoadResultSchema = z.union([z.object({ ok: z.literal(true), value: z.object({ modelId: z.string(), ms: z.number().min(0) }) }), failureSchema]);

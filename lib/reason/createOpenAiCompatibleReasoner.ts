import { createChatReasoner } from "./createChatReasoner";
import type { Availability, Reasoner } from "./Reasoner";
import { ReasonerError, type ReasonerErrorReason } from "./ReasonerError";
import type { CompleteInput, CompleteOutput } from "./schemas";

export interface OpenAiCompatibleReasonerOptions {
  /**
   * Sends one completion to the server's `reasoning.complete` (which holds the endpoint and its key).
   * In the page: `(input, signal) => trpc.reasoning.complete.mutate(input, { signal })`.
   */
  readonly complete: (input: CompleteInput, signal: AbortSignal | undefined) => Promise<CompleteOutput>;
  /** Whether the server offers it; in the page, from `reasoning.status`. */
  readonly available: () => Promise<Availability>;
  /** The model's name for the id, when known (`LUXOS_LLM_MODEL`). */
  readonly model?: string;
  readonly now?: () => number;
}

/**
 * The "cloud core self" (M3.5): an OpenAI-compatible endpoint (Ollama, llama.cpp, a hosted API)
 * reached through the server, so keys never reach the browser. Errors arrive as the server's
 * readable tRPC errors and become ReasonerErrors with the same words.
 */
export function createOpenAiCompatibleReasoner(options: OpenAiCompatibleReasonerOptions): Reasoner {
  return createChatReasoner({
    id: `openai_compatible${options.model ? `:${options.model}` : ""}`,
    kind: "openai_compatible",
    available: options.available,
    ...(options.now && { now: options.now }),
    chat: async ({ messages, maxTokens, temperature, signal }) => {
      let out: CompleteOutput;
      try {
        out = await options.complete({ messages: messages.map((m) => ({ role: m.role, content: m.content })), max_tokens: maxTokens, temperature }, signal);
      } catch (error) {
        throw toReasonerError(error, signal);
      }
      return {
        text: out.text,
        finishReason: out.finish_reason,
        ...(!out.usage.estimated && { tokensIn: out.usage.prompt_tokens, tokensOut: out.usage.completion_tokens }),
      };
    },
  });
}

/** The server's tRPC error codes (`error.data.code` on a TRPCClientError, `error.code` in-process) as reasoner reasons. */
const REASON_OF: Record<string, ReasonerErrorReason> = {
  PRECONDITION_FAILED: "unavailable",
  SERVICE_UNAVAILABLE: "unavailable",
  GATEWAY_TIMEOUT: "timeout",
  TIMEOUT: "timeout",
  BAD_REQUEST: "invalid",
  CLIENT_CLOSED_REQUEST: "aborted",
};

function toReasonerError(error: unknown, signal: AbortSignal | undefined): ReasonerError {
  if (error instanceof ReasonerError) return error;
  if (signal?.aborted) return new ReasonerError("aborted", "the completion was cancelled", { cause: error });
  const shaped = error as { data?: { code?: unknown }; code?: unknown } | null;
  const code = shaped?.data?.code ?? shaped?.code;
  const reason = (typeof code === "string" && REASON_OF[code]) || "failed";
  return new ReasonerError(reason, error instanceof Error ? error.message : String(error), { cause: error });
}

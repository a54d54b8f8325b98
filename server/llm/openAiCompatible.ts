import "../serverOnly";
import { z } from "zod";
import { estimateTokens } from "../../lib/reason/usage";
import type { CompleteOutput } from "../../lib/reason/schemas";
import { costOf } from "../../lib/tiki";
import type { LlmEndpoint } from "./config";
import { MAX_LLM_RESPONSE_BYTES, MAX_UPSTREAM_MESSAGE_CHARS, PROBE_TIMEOUT_MS } from "./constants";

/** Why a call to the OpenAI-compatible endpoint failed. */
export type LlmEndpointErrorReason = "not_configured" | "unreachable" | "timeout" | "rejected" | "http_error" | "bad_response" | "aborted";

/** A failed endpoint call, with a message that names the endpoint (never its key) and what to do. */
export class LlmEndpointError extends Error {
  override name = "LlmEndpointError";
  constructor(
    readonly reason: LlmEndpointErrorReason,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The endpoint as it may be shown: scheme, host and path, without credentials or query. */
export function describeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/u, "")}`;
  } catch {
    return "(an invalid URL)";
  }
}

export const NOT_CONFIGURED =
  "No OpenAI-compatible endpoint is configured: set LUXOS_LLM_URL (for example http://127.0.0.1:11434/v1 for Ollama or http://127.0.0.1:8080/v1 for llama.cpp's server) and restart LuxOS.";

/** What an OpenAI chat completion must have for us; everything else in it is ignored. Untrusted: parsed, never assumed. */
const chatCompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1, "no choices"),
  usage: z.object({ prompt_tokens: z.number().int().min(0).optional(), completion_tokens: z.number().int().min(0).optional() }).nullish(),
});

type Message = { role: "system" | "user" | "assistant"; content: string };

/** Reads a response body up to `limit` bytes; refuses a larger one. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > limit) throw new RangeError(`the answer is ${declared} bytes`);
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new RangeError(`the answer is over ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The endpoint's own words for an error: `{"error":{"message":…}}`, `{"error":"…"}`, or the start of the body. */
function upstreamMessage(body: string): string {
  let text = body;
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    const e = json.error;
    text =
      typeof e === "string"
        ? e
        : typeof (e as { message?: unknown })?.message === "string"
          ? (e as { message: string }).message
          : typeof json.message === "string"
            ? json.message
            : body;
  } catch {
    // not JSON: quote the text
  }
  const oneLine = text.replace(/\s+/gu, " ").trim();
  return oneLine.length > MAX_UPSTREAM_MESSAGE_CHARS ? `${oneLine.slice(0, MAX_UPSTREAM_MESSAGE_CHARS - 1)}…` : oneLine;
}

function httpError(endpoint: LlmEndpoint, status: number, body: string): LlmEndpointError {
  const where = `the LLM endpoint at ${describeEndpoint(endpoint.url)}`;
  const said = upstreamMessage(body);
  const quote = said ? `: "${said}"` : "";
  if (status === 401 || status === 403)
    return new LlmEndpointError("rejected", `${where} refused the request (${status})${quote}. Check LUXOS_LLM_API_KEY.`, status);
  if (status === 404 && !endpoint.model)
    return new LlmEndpointError(
      "http_error",
      `${where} answered 404 for /chat/completions${quote}. LUXOS_LLM_URL should be the API's base (usually ending in /v1); some servers also need LUXOS_LLM_MODEL.`,
      status,
    );
  if (status === 404)
    return new LlmEndpointError(
      "http_error",
      `${where} answered 404${quote}. Check that LUXOS_LLM_URL ends with the API's base (usually /v1) and that the model "${endpoint.model}" (LUXOS_LLM_MODEL) exists there.`,
      status,
    );
  if (status === 400 && !endpoint.model)
    return new LlmEndpointError("http_error", `${where} refused the request (400)${quote}. If it needs a model name, set LUXOS_LLM_MODEL.`, status);
  return new LlmEndpointError("http_error", `${where} answered ${status}${quote}.`, status);
}

/**
 * One chat completion from the configured endpoint (`POST ${LUXOS_LLM_URL}/chat/completions`), with a
 * timeout, a size cap and the answer validated. Throws LlmEndpointError.
 */
export async function chatCompletion(
  endpoint: LlmEndpoint | undefined,
  input: { messages: readonly Message[]; max_tokens: number; temperature: number },
  options: { signal?: AbortSignal; now?: () => number } = {},
): Promise<CompleteOutput> {
  if (!endpoint) throw new LlmEndpointError("not_configured", NOT_CONFIGURED);
  const now = options.now ?? (() => performance.now());
  const where = `the LLM endpoint at ${describeEndpoint(endpoint.url)}`;
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const started = now();
  let body: string;
  let status: number;
  try {
    const response = await fetch(`${endpoint.url}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        ...(endpoint.apiKey && { authorization: `Bearer ${endpoint.apiKey}` }),
      },
      body: JSON.stringify({
        ...(endpoint.model && { model: endpoint.model }),
        messages: input.messages.map((m) => ({ role: m.role, content: m.content })),
        max_tokens: input.max_tokens,
        temperature: input.temperature,
        stream: false,
      }),
      signal,
      redirect: "error",
    });
    status = response.status;
    body = await readCapped(response, MAX_LLM_RESPONSE_BYTES);
  } catch (error) {
    if (timeout.aborted)
      throw new LlmEndpointError(
        "timeout",
        `${where} did not answer within ${endpoint.timeoutMs / 1000} s. Try fewer max_tokens, a smaller model, or raise LUXOS_LLM_TIMEOUT_MS.`,
        undefined,
        { cause: error },
      );
    if (options.signal?.aborted) throw new LlmEndpointError("aborted", "the completion was cancelled by its caller", undefined, { cause: error });
    if (error instanceof RangeError)
      throw new LlmEndpointError(
        "bad_response",
        `${where} answered with more than ${MAX_LLM_RESPONSE_BYTES / 1024 / 1024} MB (${error.message}); that is not a chat completion.`,
        undefined,
        { cause: error },
      );
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new LlmEndpointError(
      "unreachable",
      `${where} did not answer${typeof code === "string" ? ` (${code})` : ""}. Is it running? Check LUXOS_LLM_URL.`,
      undefined,
      { cause: error },
    );
  }
  if (status < 200 || status >= 300) throw httpError(endpoint, status, body);

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new LlmEndpointError("bad_response", `${where} answered with something that is not JSON: "${upstreamMessage(body).slice(0, 80)}"`, status, {
      cause: error,
    });
  }
  const parsed = chatCompletionSchema.safeParse(json);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join(".") || "answer"}: ${i.message}`).join("; ");
    throw new LlmEndpointError("bad_response", `${where} answered with something that is not an OpenAI chat completion (${problem}).`, status, {
      cause: parsed.error,
    });
  }
  const choice = parsed.data.choices[0]!;
  const text = choice.message.content ?? "";
  const counted = parsed.data.usage?.prompt_tokens !== undefined && parsed.data.usage.completion_tokens !== undefined;
  const usage = counted
    ? { prompt_tokens: parsed.data.usage!.prompt_tokens!, completion_tokens: parsed.data.usage!.completion_tokens!, estimated: false }
    : { prompt_tokens: input.messages.reduce((n, m) => n + estimateTokens(m.content), 0), completion_tokens: estimateTokens(text), estimated: true };
  return {
    text,
    finish_reason: choice.finish_reason === "length" ? "length" : "stop",
    model: parsed.data.model ?? endpoint.model ?? "unknown",
    usage,
    latency_ms: Math.max(0, Math.round(now() - started)),
    tiki: costOf({ kind: "llm", provider: "openai_compatible", tokensIn: usage.prompt_tokens, tokensOut: usage.completion_tokens }).tiki,
  };
}

/** Whether the endpoint answers at all (`GET ${url}/models`, any HTTP status counts), within PROBE_TIMEOUT_MS. */
export async function probeEndpoint(endpoint: LlmEndpoint): Promise<{ reachable: boolean; detail: string }> {
  try {
    const response = await fetch(`${endpoint.url}/models`, {
      headers: endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {},
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      redirect: "error",
    });
    await response.body?.cancel();
    return { reachable: true, detail: `answered ${response.status} to GET /models` };
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return { reachable: false, detail: `did not answer within ${PROBE_TIMEOUT_MS / 1000} s${typeof code === "string" ? ` (${code})` : ""}` };
  }
}

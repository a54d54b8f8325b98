/**
 * The few master procedures a being's worker calls itself, over plain `fetch` to the same origin
 * (tRPC's plain-JSON wire format; no tRPC client in the worker). Failures reject with an Error that
 * carries tRPC's `data.code`, which `createOpenAiCompatibleReasoner` turns into a reasoner reason.
 */
import { z } from "zod";
import type { EventAck, KnowledgePullInput, KnowledgePullOutput } from "../../lib/knowledge/contract";
import type { CompleteInput, CompleteOutput } from "../../lib/reason";
import type { SpendEntry } from "./SyncLoop";

/** How long the worker waits for a status or listing before it says the master did not answer. */
export const MASTER_STATUS_TIMEOUT_MS = 5_000;

/** An error the master answered with: its message and its tRPC code (`PRECONDITION_FAILED`, …). */
export class MasterCallError extends Error {
  override readonly name = "MasterCallError";
  readonly data: { readonly code: string | undefined };
  constructor(message: string, code: string | undefined) {
    super(message);
    this.data = { code };
  }
}

const envelopeSchema = z.union([
  z.object({ result: z.object({ data: z.unknown() }) }),
  z.object({ error: z.object({ message: z.string(), data: z.object({ code: z.string().optional() }).partial().optional() }) }),
]);

async function read(path: string, response: Response): Promise<unknown> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new MasterCallError(`the master answered ${path} with HTTP ${response.status} and no JSON`, undefined);
  }
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) throw new MasterCallError(`the master answered ${path} with something unreadable (HTTP ${response.status})`, undefined);
  if ("error" in parsed.data) throw new MasterCallError(parsed.data.error.message, parsed.data.error.data?.code);
  return parsed.data.result.data;
}

/** A tRPC query without input: `GET /api/trpc/<path>`. */
export async function masterQuery(path: string, signal: AbortSignal = AbortSignal.timeout(MASTER_STATUS_TIMEOUT_MS)): Promise<unknown> {
  return read(path, await fetch(`/api/trpc/${path}`, { signal }));
}

/** The W3C trace context header of a call made for traced work (a Lux run's step): the master records it on its writes. */
const traceHeaders = (traceparent: string | undefined): Record<string, string> => (traceparent ? { traceparent } : {});

/** A tRPC query with input: `GET /api/trpc/<path>?input=<json>`; with `traceparent`, the call joins that trace. */
export async function masterRead(
  path: string,
  input: unknown,
  signal: AbortSignal = AbortSignal.timeout(MASTER_STATUS_TIMEOUT_MS),
  traceparent?: string,
): Promise<unknown> {
  return read(path, await fetch(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { signal, headers: traceHeaders(traceparent) }));
}

/** A tRPC mutation: `POST /api/trpc/<path>` with the input as the JSON body; with `traceparent`, its writes record that trace. */
export async function masterMutation(path: string, input: unknown, signal?: AbortSignal, traceparent?: string): Promise<unknown> {
  const response = await fetch(`/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...traceHeaders(traceparent) },
    body: JSON.stringify(input),
    ...(signal && { signal }),
  });
  return read(path, response);
}

const reasonerStatusSchema = z.object({
  reasoners: z.array(z.object({ kind: z.string(), ok: z.boolean(), why: z.string() })),
  llm: z.object({ model: z.string().nullable() }),
});

/** `reasoning.status`: whether the server offers a reasoner kind, and why (not). */
export async function serverReasoner(kind: "webllm" | "openai_compatible"): Promise<{ ok: boolean; why: string; model: string | null }> {
  const status = reasonerStatusSchema.parse(await masterQuery("reasoning.status"));
  const entry = status.reasoners.find((r) => r.kind === kind);
  return entry ? { ok: entry.ok, why: entry.why, model: status.llm.model } : { ok: false, why: `the master does not offer ${kind}`, model: null };
}

const modelsSchema = z.object({
  models: z.array(z.object({ id: z.string(), has_config: z.boolean(), libs: z.array(z.string()) })),
  hint: z.string().nullable(),
});

/** `reasoning.models`: the first model folder WebLLM can load, or why there is none. */
export async function serverWebLlmModel(): Promise<{ model: { id: string; lib: string } } | { why: string }> {
  const listing = modelsSchema.parse(await masterQuery("reasoning.models"));
  for (const m of listing.models) if (m.has_config && m.libs[0] !== undefined) return { model: { id: m.id, lib: m.libs[0] } };
  return { why: listing.hint ?? "the server has no model folder WebLLM can load" };
}

/** `reasoning.complete`, checked enough to be used (the server built it). */
export async function masterComplete(input: CompleteInput, signal: AbortSignal | undefined): Promise<CompleteOutput> {
  return (await masterMutation("reasoning.complete", input, signal)) as CompleteOutput;
}

const eventAcksSchema = z.object({ acks: z.array(z.object({ id: z.string(), seq: z.number() })) });

/** `events.push`: the master's acknowledgements (`{id, seq}` per event it logged, now or before). */
export async function masterPushEvents(events: readonly unknown[], signal: AbortSignal): Promise<readonly EventAck[]> {
  const answer = eventAcksSchema.safeParse(await masterMutation("events.push", { events }, signal));
  if (!answer.success) throw new MasterCallError("the master answered events.push without acknowledgements; it may be an older version", undefined);
  return answer.data.acks;
}

const pullSchema = z.object({
  facts: z.array(
    z.object({
      fact: z.string(),
      text: z.string(),
      confidence: z.number(),
      corroboration: z.number(),
      sources: z.array(z.string()),
      updated_at: z.string(),
    }),
  ),
  cursor: z.string().nullable(),
  done: z.boolean(),
});

/** Facts a page of `knowledge.pull` carries at most: a few hundred rows, one micro-world transaction. */
export const PULL_PAGE = 200;

/** `knowledge.pull` from `since`, leaving out facts only `soul` taught (it has them). */
export async function masterPullKnowledge(since: string | null, soul: string, signal: AbortSignal): Promise<KnowledgePullOutput> {
  const input: KnowledgePullInput = { since, limit: PULL_PAGE, except_source: soul };
  const answer = pullSchema.safeParse(await masterQuery(`knowledge.pull?input=${encodeURIComponent(JSON.stringify(input))}`, signal));
  if (!answer.success) throw new MasterCallError("the master answered knowledge.pull with something unreadable; it may be an older version", undefined);
  return answer.data;
}

const reportAnswerSchema = z.object({ recorded: z.number(), duplicates: z.number() });

/** `tiki.report`: the being's spend into the master's ledger; resolves once the master holds every entry (each id counts once). */
export async function masterReportSpend(being: string, entries: readonly SpendEntry[], signal: AbortSignal): Promise<{ recorded: number; duplicates: number }> {
  const answer = reportAnswerSchema.safeParse(await masterMutation("tiki.report", { being, entries }, signal));
  if (!answer.success) throw new MasterCallError("the master answered tiki.report with something unreadable; it may be an older version", undefined);
  return answer.data;
}

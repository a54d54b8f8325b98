/**
 * The one event envelope of LuxOS (M9), CloudEvents-like: every decision, message and state
 * change of every being travels and is stored in it. Versioned: a reader refuses a version
 * it does not know rather than guess.
 */
import { z } from "zod";
import type { Result } from "../result";
export type { Result } from "../result";
import { MAIN_BRANCH, MAX_TAG_LENGTH } from "../constants";
import type { JsonObject } from "../jsonMergePatch";
import { addressSchema } from "./address";
import { MAX_DATASCHEMA_LENGTH, MAX_EVENT_DATA_BYTES, MAX_EVENT_DATA_DEPTH, MAX_EVENT_TYPE_LENGTH, MAX_SUBJECT_LENGTH } from "./constants";
import { EVENT_DATA_SCHEMAS, isKnownEventType, type KnownEventData, type KnownEventType } from "./eventKinds";
import type { EventId } from "./ids";

/** The version of this envelope, carried by every event as `envelopeversion`. */
export const EVENT_ENVELOPE_VERSION = 1;

// NOTE: not lib/schemas' jsonByteLength: that module would pull the master's whole API schema into every being's worker.
const encoder = new TextEncoder();

/** Why `data` is not a plain JSON object within the limits, or null when it is. Iterative, so no input can exhaust the stack. */
export function jsonDataProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'must be a JSON object such as {"key": "value"}';
  const stack: [unknown, number, string][] = [[value, 1, "data"]];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (depth > MAX_EVENT_DATA_DEPTH) return `${path} is nested deeper than ${MAX_EVENT_DATA_DEPTH} levels`;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push([node[i], depth + 1, `${path}[${i}]`]);
    } else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) stack.push([node[key], depth + 1, `${path}.${key}`]);
    } else if (typeof node === "number") {
      if (!Number.isFinite(node)) return `${path} is ${node}, which JSON cannot carry`;
    } else if (node !== null && typeof node !== "string" && typeof node !== "boolean") {
      return `${path} is ${describe(node)}, which is not JSON`;
    }
  }
  const bytes = encoder.encode(JSON.stringify(value)).length;
  if (bytes > MAX_EVENT_DATA_BYTES) return `is ${bytes} bytes, more than ${MAX_EVENT_DATA_BYTES / 1024} KB; store large data elsewhere and reference it here`;
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "object") return `a ${value?.constructor?.name ?? "non-plain object"}`;
  return `a ${typeof value}`;
}

const lowerHex = (digits: number, what: string) =>
  z
    .string({ message: `${what} must be ${digits} lowercase hex digits` })
    .regex(new RegExp(`^[0-9a-f]{${digits}}$`), `${what} must be ${digits} lowercase hex digits (W3C trace context)`)
    .refine((s) => /[^0]/.test(s), `${what} cannot be all zeros (W3C trace context)`);

export const traceIdSchema = lowerHex(32, "traceid");
export const spanIdSchema = lowerHex(16, "spanid");

/** A UUID v4 or v7 event id, lower-cased. */
export const eventIdSchema = z
  .string({ message: "id must be a UUID v4 or v7 string" })
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, "id must be a UUID v4 or v7 such as 0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f")
  .transform((s) => s.toLowerCase() as EventId);

export const eventTypeSchema = z
  .string({ message: "type must be a string such as being.decision" })
  .max(MAX_EVENT_TYPE_LENGTH, `type is at most ${MAX_EVENT_TYPE_LENGTH} characters`)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, "type must be dotted lower case such as being.decision or system.signal");

/** The envelope; `data` is checked against its type's schema when the type is a known one. */
export const eventEnvelopeSchema = z
  .strictObject({
    id: eventIdSchema,
    specversion: z.literal("1.0", { message: 'specversion must be "1.0" (CloudEvents)' }),
    envelopeversion: z.literal(EVENT_ENVELOPE_VERSION, { message: `envelopeversion must be ${EVENT_ENVELOPE_VERSION}; this reader knows no other` }),
    type: eventTypeSchema,
    source: addressSchema,
    subject: z.string().min(1).max(MAX_SUBJECT_LENGTH).optional(),
    time: z.iso.datetime({ message: "time must be an ISO 8601 UTC time such as 2025-01-01T12:00:00.000Z" }),
    branch: z.string().min(1, "branch cannot be empty").max(MAX_TAG_LENGTH).default(MAIN_BRANCH),
    traceid: traceIdSchema,
    spanid: spanIdSchema,
    parentspanid: spanIdSchema.optional(),
    data: z.unknown().superRefine((value, ctx) => {
      const problem = jsonDataProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem.startsWith("data") ? problem : `data ${problem}` });
    }),
    dataschema: z.url({ message: "dataschema must be a URI" }).max(MAX_DATASCHEMA_LENGTH).optional(),
  })
  .superRefine((event, ctx) => {
    if (!isKnownEventType(event.type)) return;
    const checked = EVENT_DATA_SCHEMAS[event.type].safeParse(event.data);
    if (checked.success) return;
    for (const issue of checked.error.issues) ctx.addIssue({ code: "custom", path: ["data", ...issue.path], message: issue.message });
  });

type ParsedEnvelope = z.output<typeof eventEnvelopeSchema>;

/** The data of an event of type `T`: its checked shape for the known types, any JSON object otherwise. */
export type EventData<T extends string> = T extends KnownEventType ? KnownEventData[T] : JsonObject;

/** A valid event of type `T`. */
export type EventEnvelope<T extends string = string> = Omit<ParsedEnvelope, "type" | "data"> & { type: T; data: EventData<T> };

/** Any known event, narrowed by its `type`. */
export type KnownEvent = { [K in KnownEventType]: EventEnvelope<K> }[KnownEventType];

/** A W3C trace position: the trace, and the span that the next event will be a child of. */
export interface TraceContext {
  readonly traceid: string;
  readonly spanid: string;
}

/** Why an envelope was refused: one line per problem, `path: message`. */
export interface EventParseError {
  readonly reason: "invalid_event";
  readonly message: string;
  readonly issues: readonly string[];
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "event"}: ${issue.message}`);
}

/**
 * Parses anything (postMessage data, a websocket frame, a row) into a valid event, or says
 * what is wrong with it. Never throws.
 */
export function parseEvent(value: unknown): Result<EventEnvelope, EventParseError> {
  try {
    const parsed = eventEnvelopeSchema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data as EventEnvelope };
    const issues = formatIssues(parsed.error.issues);
    return { ok: false, error: { reason: "invalid_event", message: `not a valid event: ${issues.join("; ")}`, issues } };
  } catch (error) {
    // NOTE: only a hostile value (a Proxy, a throwing getter) gets here; it is refused like any other bad input.
    const message = `not a valid event: it could not be read (${error instanceof Error ? error.message : String(error)})`;
    return { ok: false, error: { reason: "invalid_event", message, issues: [message] } };
  }
}

/** Narrows an event to one type. */
export function isEventType<T extends string>(event: { readonly type: string }, type: T): event is EventEnvelope<T> {
  return event.type === type;
}

/** The trace position of an event: pass it as `trace` to make the next event its child. */
export function traceOf(event: Pick<EventEnvelope, "traceid" | "spanid">): TraceContext {
  return { traceid: event.traceid, spanid: event.spanid };
}

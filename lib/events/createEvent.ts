import { eventEnvelopeSchema, EVENT_ENVELOPE_VERSION, type EventData, type EventEnvelope, type TraceContext } from "./eventEnvelope";
import { MAIN_BRANCH } from "../constants";
import { cryptoRandomBytes, newEventId, newSpanId, newTraceId, type RandomBytes } from "./ids";

/** What a new event needs; the envelope fills in the rest. */
export interface CreateEventInput<T extends string> {
  type: T;
  /** The being's soul, `master` or `room:<id>`. */
  source: string;
  subject?: string | undefined;
  /** Defaults to `main`. */
  branch?: string | undefined;
  data: EventData<T>;
  dataschema?: string | undefined;
  /** The parent's trace position: the new event is a child span in the same trace. Absent: a new trace. */
  trace?: TraceContext | undefined;
  /** The clock; defaults to `new Date()`. */
  now?: (() => Date) | undefined;
  /** The source of randomness for ids; defaults to `crypto.getRandomValues`. */
  randomBytes?: RandomBytes | undefined;
}

/** A new event was refused: the message says which field and why. */
export class EventError extends Error {
  override readonly name = "EventError";
  constructor(
    readonly reason: "invalid_event",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Makes a valid event: a UUID v7 id, the time, and a new span, a child of `trace` when given.
 * Throws an EventError when the result would not be valid (a bad type or source, data over 64 KB);
 * that is a bug in the caller, not a condition to handle.
 *
 * @example
 * const decided = createEvent({ type: "being.decision", source: soul, data: { layer: "reflex", decision: "halt", rationale: "…", alternatives: [], confidence: 1 } });
 * const next = createEvent({ ..., trace: traceOf(decided) }); // same traceid, parentspanid = decided.spanid
 */
export function createEvent<T extends string>(input: CreateEventInput<T>): EventEnvelope<T> {
  const parsed = eventEnvelopeSchema.safeParse(draftEvent(input));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "event"}: ${issue.message}`).join("; ");
    throw new EventError("invalid_event", `cannot create a ${input.type} event: ${issues}`);
  }
  return parsed.data as EventEnvelope<T>;
}

/**
 * The trusted fast path of {@link createEvent}: the same envelope, not validated. Only for a caller that built
 * `type`, `source`, `subject` and `data` from values it checked itself, in a loop where the validation would cost
 * more than the work (a being learning thousands of facts); its tests must prove the events pass `parseEvent`.
 * Anything that crossed a boundary goes through createEvent or parseEvent instead.
 */
export function createTrustedEvent<T extends string>(input: CreateEventInput<T>): EventEnvelope<T> {
  return draftEvent(input) as EventEnvelope<T>;
}

function draftEvent<T extends string>(input: CreateEventInput<T>) {
  const randomBytes = input.randomBytes ?? cryptoRandomBytes;
  const time = (input.now ?? (() => new Date()))();
  return {
    id: newEventId(time, randomBytes),
    specversion: "1.0" as const,
    envelopeversion: EVENT_ENVELOPE_VERSION,
    type: input.type,
    source: input.source,
    ...(input.subject !== undefined && { subject: input.subject }),
    time: time.toISOString(),
    // NOTE: the schema's default, written here so the unchecked envelope equals the checked one.
    branch: input.branch ?? MAIN_BRANCH,
    traceid: input.trace?.traceid ?? newTraceId(randomBytes),
    spanid: newSpanId(randomBytes),
    ...(input.trace && { parentspanid: input.trace.spanid }),
    data: input.data,
    ...(input.dataschema !== undefined && { dataschema: input.dataschema }),
  };
}

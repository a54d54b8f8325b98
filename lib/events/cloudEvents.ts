/**
 * The event log as CloudEvents 1.0 in JSON format, one per line (NDJSON): the export and import
 * format. The envelope already is a CloudEvent; its own fields travel as extension attributes
 * (`envelopeversion`, `branch`, `traceid`, `spanid`, `parentspanid`), and `traceparent` (the
 * CloudEvents distributed-tracing extension) is added so generic tools can follow the trace.
 */
import { parseEvent, type EventEnvelope, type EventParseError } from "./eventEnvelope";
import type { Result } from "../result";
import { formatTraceparent } from "./traceparent";

/** One CloudEvent as exported: the envelope plus `datacontenttype` and `traceparent`. */
export type CloudEvent = EventEnvelope & { readonly datacontenttype: "application/json"; readonly traceparent: string };

export function toCloudEvent(event: EventEnvelope): CloudEvent {
  return { ...event, datacontenttype: "application/json", traceparent: formatTraceparent(event) };
}

/** Reads one exported CloudEvent back into an envelope; refuses what is not one, saying why. */
export function fromCloudEvent(value: unknown): Result<EventEnvelope, EventParseError> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return parseEvent(value);
  const { datacontenttype, traceparent: _traceparent, ...envelope } = value as Record<string, unknown>;
  if (datacontenttype !== undefined && datacontenttype !== "application/json") {
    const message = `not a LuxOS event: datacontenttype is ${JSON.stringify(datacontenttype)}, and only application/json is read`;
    return { ok: false, error: { reason: "invalid_event", message, issues: [message] } };
  }
  return parseEvent(envelope);
}

/** Events as NDJSON: one CloudEvent per line, each line ending in a newline. */
export function toCloudEventsNdjson(events: readonly EventEnvelope[]): string {
  let out = "";
  for (const event of events) out += `${JSON.stringify(toCloudEvent(event))}\n`;
  return out;
}

/** One line of an NDJSON import that could not be read. */
export interface NdjsonProblem {
  readonly line: number;
  readonly message: string;
}

/** Parses NDJSON of CloudEvents; blank lines are skipped, and each bad line is reported with its number. */
export function parseCloudEventsNdjson(text: string): { events: EventEnvelope[]; problems: NdjsonProblem[] } {
  const events: EventEnvelope[] = [];
  const problems: NdjsonProblem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, message: "not JSON" });
      continue;
    }
    const parsed = fromCloudEvent(value);
    if (parsed.ok) events.push(parsed.value);
    else problems.push({ line: i + 1, message: parsed.error.message });
  }
  return { events, problems };
}

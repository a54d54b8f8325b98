/**
 * The event log as OpenTelemetry traces in OTLP/JSON (the body of POST /v1/traces that Jaeger and
 * any OpenTelemetry collector accept): one resource per source, one span per event, hex trace and
 * span ids, times as decimal strings of Unix nanoseconds, attributes as key/value AnyValues.
 */
import type { EventEnvelope } from "../events/eventEnvelope";
import { spansOf } from "./spans";

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } };
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SPAN_KIND_INTERNAL: everything here happens inside LuxOS. */
  kind: 1;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: 0 };
}
export interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

export const OTLP_SCOPE = { name: "luxos.timeline", version: "1" } as const;

/** A JSON value as an OTLP AnyValue (null becomes an empty string: AnyValue has no null). */
export function toAnyValue(value: unknown): OtlpAnyValue {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (typeof value === "number") return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  if (typeof value === "object" && value !== null) return { kvlistValue: { values: Object.entries(value).map(([key, v]) => ({ key, value: toAnyValue(v) })) } };
  return { stringValue: "" };
}

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

function serviceName(source: string): string {
  if (source === "master") return "luxos-master";
  if (source.startsWith("room:")) return "luxos-room";
  return "luxos-being";
}

/** The events as OTLP/JSON traces. */
export function toOtlpTraces(events: readonly EventEnvelope[]): OtlpTraces {
  const bySource = new Map<string, OtlpSpan[]>();
  for (const span of spansOf(events)) {
    const e = span.event;
    const attributes: OtlpKeyValue[] = [
      { key: "luxos.event.id", value: { stringValue: e.id } },
      { key: "luxos.event.type", value: { stringValue: e.type } },
      { key: "luxos.branch", value: { stringValue: e.branch } },
      ...(e.subject !== undefined ? [{ key: "luxos.subject", value: { stringValue: e.subject } }] : []),
      ...Object.entries(e.data).map(([key, value]) => ({ key: `luxos.data.${key}`, value: toAnyValue(value) })),
    ];
    const spans = bySource.get(e.source) ?? [];
    spans.push({
      traceId: span.traceid,
      spanId: span.spanid,
      ...(span.parentspanid ? { parentSpanId: span.parentspanid } : {}),
      name: e.type,
      kind: 1,
      startTimeUnixNano: nanos(span.startMs),
      endTimeUnixNano: nanos(span.endMs),
      attributes,
      status: { code: 0 },
    });
    bySource.set(e.source, spans);
  }
  return {
    resourceSpans: [...bySource].map(([source, spans]) => ({
      resource: {
        attributes: [
          { key: "service.name", value: { stringValue: serviceName(source) } },
          { key: "luxos.source", value: { stringValue: source } },
        ],
      },
      scopeSpans: [{ scope: { ...OTLP_SCOPE }, spans }],
    })),
  };
}

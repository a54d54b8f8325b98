/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/): how a trace position
 * crosses a boundary that is not an event (an HTTP header, a database session setting).
 */
import type { TraceContext } from "./eventEnvelope";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** `00-<traceid>-<spanid>-01` (version 00, sampled). */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceid}-${trace.spanid}-01`;
}

/** The trace position in a traceparent header, or null when it is not one (or names the all-zero ids W3C forbids). */
export function parseTraceparent(header: string | null | undefined): TraceContext | null {
  const match = TRACEPARENT.exec(header?.trim().toLowerCase() ?? "");
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return null;
  return { traceid: match[1]!, spanid: match[2]! };
}

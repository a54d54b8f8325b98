import "../serverOnly";
import type { EventEnvelope } from "../../lib/events/eventEnvelope";
import { MAX_TRACE_EVENTS } from "../../lib/timeline/constants";
import type { TraceWrite } from "../../lib/timeline/contract";
import type { SqlExecutor } from "./driver";

const SOUL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The beings a trace's events name: their sources and subjects, and souls among their data's top-level values (a master call's `soul`). */
export function soulsNamedBy(events: readonly EventEnvelope[]): string[] {
  const souls = new Set<string>();
  for (const event of events) {
    for (const value of [event.source, event.subject, ...Object.values(event.data as Record<string, unknown>)])
      if (typeof value === "string" && SOUL.test(value)) souls.add(value);
  }
  return [...souls];
}

/**
 * The master writes of trace `traceid` to the beings `souls`, oldest first: journal rows whose recorded traceparent is
 * in the trace. Walks each soul's journal by its index, so it costs what those beings' histories cost, not the whole journal.
 */
export async function traceWrites(q: SqlExecutor, traceid: string, souls: readonly string[]): Promise<TraceWrite[]> {
  if (souls.length === 0 || !/^[0-9a-f]{32}$/.test(traceid)) return [];
  return q.query<TraceWrite>(
    `SELECT seq::float8 AS seq, soul::text AS soul, op, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, trace AS traceparent, branches
       FROM being_journal WHERE soul = ANY($1::uuid[]) AND trace LIKE $2 ORDER BY seq LIMIT ${MAX_TRACE_EVENTS}`,
    [souls, `00-${traceid}-%`],
  );
}

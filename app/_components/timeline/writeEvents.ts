import type { EventEnvelope } from "../../../lib/events/eventEnvelope";
import { parseTraceparent } from "../../../lib/events/traceparent";
import type { TraceWrite } from "../../../lib/timeline/contract";

const OP = { I: "created", U: "changed", D: "deleted" } as const;

/**
 * A master write as a span of its trace, for the waterfall: a child of the span its traceparent names (the master call
 * that made it). Not an event of the log: its id and span id are made from the journal entry's seq.
 */
export function writeAsEvent(write: TraceWrite): EventEnvelope | null {
  const parent = parseTraceparent(write.traceparent);
  if (!parent) return null;
  return {
    specversion: "1.0",
    envelopeversion: 1,
    id: `journal-${write.seq}`,
    type: "master.write",
    source: "master",
    subject: write.soul,
    time: new Date(Date.parse(write.at)).toISOString(),
    branch: write.branches[0] ?? "main",
    traceid: parent.traceid,
    // NOTE: a journal seq is ≥ 1, so this is never the all-zero span id W3C forbids.
    spanid: write.seq.toString(16).padStart(16, "0").slice(-16),
    parentspanid: parent.spanid,
    data: { target: `being:${write.soul}`, op: OP[write.op], journal_seq: write.seq, branches: [...write.branches] },
    // NOTE: a view for spansOf only (never parsed, stored or sent), so its id is not a branded event id.
  } as unknown as EventEnvelope;
}

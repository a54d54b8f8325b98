/**
 * Events as spans of their traces: what the waterfall draws and what the OTLP export sends.
 * An event is a moment; its span lasts `data.duration_ms` when it says so, and a parent span lasts
 * at least until its last child ends, so a decision covers the steps it triggered.
 */
import type { EventEnvelope } from "../events/eventEnvelope";

export interface TimelineSpan {
  readonly traceid: string;
  readonly spanid: string;
  readonly parentspanid: string | null;
  readonly name: string;
  readonly event: EventEnvelope;
  readonly startMs: number;
  endMs: number;
  /** 0 for a root (or a span whose parent is not among the events), else its parent's depth + 1. */
  depth: number;
}

/** The duration an event states for itself, in ms (0 when it states none). */
export function statedDurationMs(event: EventEnvelope): number {
  const value = (event.data as Record<string, unknown>)["duration_ms"];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** The spans of `events` (any order), sorted depth-first by start within each trace, ends stretched over children. */
export function spansOf(events: readonly EventEnvelope[]): TimelineSpan[] {
  const byId = new Map<string, TimelineSpan>();
  for (const event of events) {
    const startMs = Date.parse(event.time);
    byId.set(`${event.traceid}/${event.spanid}`, {
      traceid: event.traceid,
      spanid: event.spanid,
      parentspanid: event.parentspanid ?? null,
      name: event.type,
      event,
      startMs,
      endMs: startMs + statedDurationMs(event),
      depth: 0,
    });
  }
  const children = new Map<string, TimelineSpan[]>();
  const roots: TimelineSpan[] = [];
  for (const span of byId.values()) {
    const parentKey = span.parentspanid ? `${span.traceid}/${span.parentspanid}` : null;
    if (parentKey && byId.has(parentKey) && parentKey !== `${span.traceid}/${span.spanid}`) {
      const list = children.get(parentKey) ?? [];
      list.push(span);
      children.set(parentKey, list);
    } else roots.push(span);
  }
  const byStart = (a: TimelineSpan, b: TimelineSpan) => a.startMs - b.startMs || a.spanid.localeCompare(b.spanid);
  const out: TimelineSpan[] = [];
  // NOTE: iterative, and each span is visited once, so a cycle in hostile parent ids cannot loop.
  const visited = new Set<TimelineSpan>();
  const stretch = (root: TimelineSpan) => {
    const order: TimelineSpan[] = [];
    const stack: TimelineSpan[] = [root];
    while (stack.length > 0) {
      const span = stack.pop()!;
      if (visited.has(span)) continue;
      visited.add(span);
      order.push(span);
      const kids = (children.get(`${span.traceid}/${span.spanid}`) ?? []).sort(byStart);
      for (let i = kids.length - 1; i >= 0; i--) {
        kids[i]!.depth = span.depth + 1;
        stack.push(kids[i]!);
      }
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const span = order[i]!;
      for (const kid of children.get(`${span.traceid}/${span.spanid}`) ?? []) if (visited.has(kid)) span.endMs = Math.max(span.endMs, kid.endMs);
    }
    out.push(...order);
  };
  for (const root of roots.sort(byStart)) stretch(root);
  for (const span of [...byId.values()].sort(byStart)) if (!visited.has(span)) stretch(span);
  return out;
}

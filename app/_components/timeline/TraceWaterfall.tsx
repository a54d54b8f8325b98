"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { spansOf, type TimelineSpan } from "../../../lib/timeline/spans";
import { useElementWidth } from "../../_lib/useElementWidth";
import { useTRPC } from "../../_trpc/client";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";
import { eventColour, eventSummary, shortSource } from "./eventStyle";
import { writeAsEvent } from "./writeEvents";

const ROW = 26;

/** One trace as a waterfall: each event a bar from its time for its duration, children indented under the step that caused them. */
export function TraceWaterfall({ trace }: { trace: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.timeline.trace.queryOptions({ trace }));
  const { ref, width } = useElementWidth<HTMLDivElement>(600);
  // The trace's events, and the master writes it made (each under the master call that sent its traceparent).
  const spans = useMemo(
    () => spansOf([...(query.data?.items ?? []).map((i) => i.event), ...(query.data?.writes ?? []).flatMap((w) => writeAsEvent(w) ?? [])]),
    [query.data],
  );
  // NOTE: the measured wrapper is always rendered, so its width is known by the time the spans arrive.
  return (
    <div ref={ref} className="w-full overflow-x-auto" data-testid="trace-waterfall">
      {query.isPending ? (
        <Spinner label="Loading the trace…" />
      ) : query.error ? (
        <ErrorBox error={query.error} onRetry={() => void query.refetch()} />
      ) : spans.length === 0 ? (
        <p className="text-sm text-slate-500">No events in this trace are still in the hot log.</p>
      ) : (
        <Waterfall trace={trace} spans={spans} width={width} />
      )}
    </div>
  );
}

function Waterfall({ trace, spans, width }: { trace: string; spans: TimelineSpan[]; width: number }) {
  const lo = Math.min(...spans.map((s) => s.startMs));
  const hi = Math.max(...spans.map((s) => Math.max(s.endMs, s.startMs + 1)));
  // NOTE: the names column shrinks on a narrow panel, and the source column goes, so the bars keep their room.
  const LABEL = Math.min(220, Math.max(120, Math.round(width * 0.42)));
  const showSource = width >= 520;
  const plot = Math.max(width - LABEL - 56, 60);
  const x = (ms: number) => LABEL + ((ms - lo) / (hi - lo)) * plot;
  return (
    <>
      <p className="mb-2 font-mono text-[11px] text-slate-500">
        trace {trace} · {spans.length} spans · {(hi - lo).toLocaleString()} ms
      </p>
      <svg width={width} height={spans.length * ROW + 8} role="img" aria-label={`Waterfall of trace ${trace}`}>
        {spans.map((span, i) => {
          const left = x(span.startMs);
          const right = Math.max(x(span.endMs), left + 3);
          const y = i * ROW + 4;
          return (
            <g key={`${span.spanid}-${i}`} data-testid="waterfall-span">
              <title>{`${span.name} · ${span.event.source}\n${eventSummary(span.event)}`}</title>
              <text x={4 + span.depth * 12} y={y + 15} className="fill-slate-700 text-[11px]">
                {span.depth > 0 ? "└ " : ""}
                {span.name}
              </text>
              {showSource && (
                <text x={LABEL - 6} y={y + 15} textAnchor="end" className="fill-slate-400 font-mono text-[10px]">
                  {shortSource(span.event.source)}
                </text>
              )}
              <line x1={LABEL} x2={LABEL + plot} y1={y + ROW / 2 - 2} y2={y + ROW / 2 - 2} className="stroke-slate-100" />
              <rect x={left} y={y + 4} width={right - left} height={ROW - 12} rx={3} fill={eventColour(span.name)} />
              <text x={right + 4} y={y + 15} className="fill-slate-500 text-[10px]">
                {span.endMs - span.startMs > 0 ? `${span.endMs - span.startMs} ms` : "·"}
              </text>
            </g>
          );
        })}
      </svg>
    </>
  );
}

"use client";
import { useMemo } from "react";
import type { EventEnvelope } from "../../../lib/events/eventEnvelope";
import { useElementWidth } from "../../_lib/useElementWidth";
import { eventColour, shortSource } from "./eventStyle";

const LANE = 22;
const LABEL = 96;
const MAX_LANES = 12;

/**
 * The page of events drawn on a time axis, one lane per source: where activity bunches, and which
 * events share the selected trace (ringed). Clicking a dot selects its trace.
 */
export function EventStrip({
  events,
  selectedTrace,
  onSelect,
}: {
  events: readonly { seq: number; event: EventEnvelope }[];
  selectedTrace: string | null;
  onSelect: (event: EventEnvelope) => void;
}) {
  const { ref, width } = useElementWidth<HTMLDivElement>(800);
  const layout = useMemo(() => {
    const counts = new Map<string, number>();
    for (const { event } of events) counts.set(event.source, (counts.get(event.source) ?? 0) + 1);
    const lanes = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_LANES)
      .map(([source]) => source);
    const times = events.map((e) => Date.parse(e.event.time));
    const lo = Math.min(...times);
    const hi = Math.max(...times);
    return { lanes, lo, span: Math.max(hi - lo, 1), other: counts.size > lanes.length };
  }, [events]);
  const plot = Math.max(width - LABEL - 12, 100);
  const laneOf = (source: string) => {
    const i = layout.lanes.indexOf(source);
    return i < 0 ? layout.lanes.length : i;
  };
  const height = (layout.lanes.length + (layout.other ? 1 : 0)) * LANE + 26;
  const x = (time: string) => LABEL + ((Date.parse(time) - layout.lo) / layout.span) * plot;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ f, label: tickLabel(layout.lo, f * layout.span, layout.span) }));
  return (
    <div ref={ref} className="w-full overflow-hidden" data-testid="event-strip">
      <svg width={width} height={height} role="img" aria-label={`${events.length} events on a time axis, one lane per source`}>
        {[...layout.lanes, ...(layout.other ? ["others"] : [])].map((source, i) => (
          <g key={source}>
            <rect x={LABEL} y={i * LANE + 2} width={plot} height={LANE - 4} rx={4} className={i % 2 ? "fill-slate-50" : "fill-slate-100/70"} />
            <text x={LABEL - 8} y={i * LANE + LANE / 2 + 4} textAnchor="end" className="fill-slate-500 font-mono text-[10px]">
              {source === "others" ? "others" : shortSource(source)}
            </text>
          </g>
        ))}
        {ticks.map(({ f, label }) => (
          <text key={f} x={LABEL + f * plot} y={height - 6} textAnchor={f === 0 ? "start" : f === 1 ? "end" : "middle"} className="fill-slate-400 text-[10px]">
            {label}
          </text>
        ))}
        {events.map(({ seq, event }) => {
          const inTrace = selectedTrace === event.traceid;
          return (
            <circle
              key={seq}
              cx={x(event.time)}
              cy={laneOf(event.source) * LANE + LANE / 2}
              r={inTrace ? 6 : 4}
              fill={eventColour(event.type)}
              fillOpacity={selectedTrace && !inTrace ? 0.35 : 0.9}
              stroke={inTrace ? "#0f172a" : "white"}
              strokeWidth={inTrace ? 2 : 1}
              className="cursor-pointer"
              onClick={() => onSelect(event)}
            >
              <title>{`${event.type} · ${event.source} · ${event.time}`}</title>
            </circle>
          );
        })}
      </svg>
    </div>
  );
}

/** The first tick as a date and time; the others as offsets from it when the page spans less than a day. */
function tickLabel(start: number, offset: number, span: number): string {
  if (offset === 0 || span >= 86_400_000) {
    return new Date(start + offset).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  if (span < 10_000) return `+${Math.round(offset)} ms`;
  if (span < 600_000) return `+${(offset / 1000).toFixed(1)} s`;
  return `+${Math.round(offset / 60_000)} min`;
}

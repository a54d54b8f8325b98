"use client";
import { useElementWidth } from "../../_lib/useElementWidth";

/**
 * The versions of a being or room as ticks on a time axis, with the chosen one marked, above a range
 * input that scrubs through them (keyboard and pointer alike).
 */
export function HistoryTrack({
  times,
  index,
  onChange,
  label,
  testId = "replay-scrubber",
}: {
  /** ISO times, oldest first. */
  times: readonly string[];
  index: number;
  onChange: (index: number) => void;
  label: string;
  /** The range input's test id (two tracks on one page need two). */
  testId?: string;
}) {
  const { ref, width } = useElementWidth<HTMLDivElement>(600);
  const ms = times.map((t) => Date.parse(t));
  const lo = Math.min(...ms);
  const span = Math.max(Math.max(...ms) - lo, 1);
  const x = (i: number) => 8 + ((ms[i]! - lo) / span) * (width - 16);
  return (
    <div ref={ref} className="w-full">
      <svg width={width} height={34} aria-hidden>
        <line x1={8} x2={width - 8} y1={20} y2={20} className="stroke-slate-200" strokeWidth={2} />
        {ms.map((_, i) => (
          <line key={i} x1={x(i)} x2={x(i)} y1={12} y2={28} className={i <= index ? "stroke-indigo-400" : "stroke-slate-300"} strokeWidth={1} />
        ))}
        {times.length > 0 && <circle cx={x(index)} cy={20} r={7} className="fill-indigo-600 stroke-white" strokeWidth={2} />}
      </svg>
      <input
        type="range"
        min={0}
        max={Math.max(times.length - 1, 0)}
        step={1}
        value={index}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-label={label}
        data-testid={testId}
        className="w-full accent-indigo-600"
      />
    </div>
  );
}

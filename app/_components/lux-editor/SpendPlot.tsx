import type { LuxStepView } from "../../../workers/being/api";

/** Each step's Tiki as a bar and the running total as a line, against the run's budget. */
export function SpendPlot({ steps, budget }: { steps: readonly LuxStepView[]; budget: number }) {
  const width = 600;
  const height = 72;
  if (steps.length === 0) return null;
  const total = steps[steps.length - 1]!.spent;
  const top = Math.max(total, 1);
  const maxStep = Math.max(1, ...steps.map((s) => s.tiki));
  const barWidth = width / steps.length;
  const x = (i: number) => (i + 0.5) * barWidth;
  const line = steps.map((s, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${(height - (s.spent / top) * (height - 4)).toFixed(1)}`).join(" ");
  return (
    <figure className="space-y-1" data-testid="lux-spend-plot">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        className="h-18 w-full rounded bg-slate-50"
        role="img"
        aria-label={`Tiki spent per step, ${total} in all`}
      >
        {steps.map((s, i) => {
          const h = (s.tiki / maxStep) * (height * 0.6);
          return (
            <rect
              key={s.index}
              x={i * barWidth + barWidth * 0.15}
              y={height - h}
              width={Math.max(0.5, barWidth * 0.7)}
              height={h}
              className="fill-indigo-200"
            />
          );
        })}
        <path d={line} fill="none" strokeWidth={1.5} className="stroke-indigo-600" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="flex justify-between text-[11px] text-slate-500">
        <span>bars: Tiki per step (largest {maxStep})</span>
        <span>
          line: running total, {total} of {budget} Tiki ({Math.round((total / Math.max(1, budget)) * 100)}%)
        </span>
      </figcaption>
    </figure>
  );
}

import type { LuxStepView } from "../../../workers/being/api";
import { SpendPlot } from "./SpendPlot";

/** Rows of the trace kept on screen: a long loop shows its latest steps. */
const SHOWN_STEPS = 400;

/** The run step by step: line, statement, what it produced, its Tiki and the running total. */
export function LuxTrace({ steps, budget }: { steps: readonly LuxStepView[]; budget: number }) {
  const shown = steps.length > SHOWN_STEPS ? steps.slice(-SHOWN_STEPS) : steps;
  return (
    <div className="space-y-2" data-testid="lux-trace" data-steps={steps.length}>
      <SpendPlot steps={steps} budget={budget} />
      {steps.length > SHOWN_STEPS && (
        <p className="text-xs text-slate-500">
          Showing the last {SHOWN_STEPS} of {steps.length} steps.
        </p>
      )}
      <div className="max-h-80 overflow-auto rounded-lg ring-1 ring-slate-200">
        <table className="min-w-full text-xs">
          <thead className="sticky top-0 bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-2 py-1.5 font-medium">#</th>
              <th className="px-2 py-1.5 font-medium">Line</th>
              <th className="px-2 py-1.5 font-medium">Step</th>
              <th className="px-2 py-1.5 font-medium">Output</th>
              <th className="px-2 py-1.5 text-right font-medium">Tiki</th>
              <th className="px-2 py-1.5 text-right font-medium">Total</th>
            </tr>
          </thead>
          <tbody className="font-mono text-[11px] text-slate-700">
            {shown.map((s) => (
              <tr
                key={s.index}
                className="border-t border-slate-100 hover:bg-indigo-50/50"
                data-testid="lux-step"
                data-statement={s.statement}
                data-line={s.line}
              >
                <td className="px-2 py-1 text-slate-400">{s.index + 1}</td>
                <td className="px-2 py-1">{s.line}</td>
                <td className="px-2 py-1 font-semibold text-slate-800">{s.statement}</td>
                <td className="max-w-md truncate px-2 py-1" title={s.output}>
                  {s.output}
                </td>
                <td className="px-2 py-1 text-right">{s.tiki}</td>
                <td className="px-2 py-1 text-right text-slate-500">{s.spent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

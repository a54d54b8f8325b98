import type { LuxRunView } from "../../../workers/being/api";
import { ReportedFacts } from "./ReportedFacts";

/** How the run ended: ok or its error, the facts it reported to the master, and its variables. */
export function LuxResult({ soul, result }: { soul: string; result: LuxRunView }) {
  const vars = Object.entries(result.variables);
  return (
    <div className="space-y-2 text-sm" data-testid="lux-result" data-ok={result.ok}>
      {result.ok ? (
        <p className="rounded-lg bg-emerald-50 px-3 py-2 text-emerald-900">
          Finished: {result.steps} steps, {result.spent} of {result.budget} Tiki, {result.ms} ms.
        </p>
      ) : (
        <pre
          className="rounded-lg bg-rose-50 px-3 py-2 font-mono text-xs whitespace-pre-wrap text-rose-800"
          data-testid="lux-error"
          data-reason={result.error?.reason}
        >
          {result.error?.message}
          {"\n"}after {result.steps} steps and {result.spent} Tiki
        </pre>
      )}
      {result.reported.length > 0 && <ReportedFacts soul={soul} reported={result.reported} />}
      {vars.length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-600">Variables at the end ({vars.length})</summary>
          <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono text-[11px]">
            {vars.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="truncate text-slate-800" title={v}>
                  {v}
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      {result.traceid && <p className="text-[11px] text-slate-400">trace {result.traceid}</p>}
    </div>
  );
}

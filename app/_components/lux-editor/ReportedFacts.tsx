"use client";
import { useQueries } from "@tanstack/react-query";
import { useTRPC } from "../../_trpc/client";

/** Reported facts looked up at the master, at most: the rest are counted. */
const CHECKED = 20;
/** How often a fact still in the outbox is looked for again. */
const RECHECK_MS = 1_500;
/** A hit this similar, taught by this being, is the reported fact (the master may have merged it into a near-duplicate). */
const SAME_FACT = 0.92;

/**
 * The facts a run REPORTed and where they are: in the being's outbox until its sync loop sends them, then at the
 * master — found by `knowledge.ask` among the facts this being taught.
 */
export function ReportedFacts({ soul, reported }: { soul: string; reported: readonly string[] }) {
  const trpc = useTRPC();
  const checked = reported.slice(0, CHECKED);
  const results = useQueries({
    queries: checked.map((text) => ({
      ...trpc.knowledge.ask.queryOptions({ text, k: 1, compose: false, sources: [soul] }),
      refetchInterval: (query: { state: { data?: { hits: readonly { similarity: number }[] } } }) =>
        (query.state.data?.hits[0]?.similarity ?? 0) >= SAME_FACT ? false : RECHECK_MS,
    })),
  });
  const atMaster = results.filter((r) => (r.data?.hits[0]?.similarity ?? 0) >= SAME_FACT).length;
  return (
    <div data-testid="lux-reported" data-at-master={atMaster} data-checked={checked.length}>
      <h3 className="text-xs font-semibold text-slate-700">
        Reported to the master: {reported.length} {reported.length === 1 ? "fact" : "facts"}, {atMaster} of {checked.length} at the master
        {reported.length > CHECKED ? ` (the first ${CHECKED} looked up)` : ""}
      </h3>
      <ul className="mt-1 space-y-0.5 text-xs text-slate-700">
        {checked.map((text, i) => {
          const hit = results[i]?.data?.hits[0];
          const there = hit !== undefined && hit.similarity >= SAME_FACT;
          return (
            <li key={i} className="flex items-start gap-2" data-testid="lux-reported-fact" data-at-master={there}>
              <span
                className={`mt-0.5 shrink-0 rounded px-1.5 text-[10px] font-medium ${there ? "bg-emerald-100 text-emerald-800" : "bg-amber-100 text-amber-800"}`}
              >
                {there ? `at the master${hit.corroboration > 1 ? ` ×${hit.corroboration}` : ""}` : results[i]?.isError ? "master unreachable" : "in the outbox"}
              </span>
              <span>
                {text}
                {there && hit.text !== text && <span className="text-slate-500"> (merged into “{hit.text}”)</span>}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

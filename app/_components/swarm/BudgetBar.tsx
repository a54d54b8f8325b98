/** Tiki spent of the budget, as a bar that turns amber past 75 % and red past 90 %. */
export function BudgetBar({ spent, limit }: { spent: number; limit: number }) {
  const share = limit > 0 ? Math.min(1, spent / limit) : 1;
  const color = share > 0.9 ? "bg-rose-500" : share > 0.75 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div data-testid="budget-bar" data-spent={spent} data-limit={limit}>
      <div className="flex items-baseline justify-between text-xs">
        <span className="text-slate-500">Tiki budget</span>
        <span className="text-slate-700 tabular-nums">
          {spent.toLocaleString("en")} / {limit.toLocaleString("en")}
        </span>
      </div>
      <div
        className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100"
        role="meter"
        aria-label="Tiki budget used"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={spent}
      >
        <div className={`h-full rounded-full ${color} transition-[width] duration-500`} style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}

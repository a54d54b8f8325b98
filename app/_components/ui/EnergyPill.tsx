/** A being's or relationship's energy: a bolt and the number, warmer as it grows. */
export function EnergyPill({ energy }: { energy: number }) {
  const tone =
    energy < 0
      ? "bg-slate-100 text-slate-600"
      : energy === 0
        ? "bg-slate-50 text-slate-500"
        : energy < 50
          ? "bg-emerald-50 text-emerald-700"
          : "bg-amber-50 text-amber-700";
  return (
    <span
      data-testid="energy"
      className={`inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium tabular-nums ${tone}`}
      title={`energy ${energy}`}
    >
      <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="size-3">
        <path d="M11.3 1.05a.75.75 0 0 1 .43.82L10.9 7h4.35a.75.75 0 0 1 .58 1.22l-7 8.5a.75.75 0 0 1-1.32-.6L8.35 11H4a.75.75 0 0 1-.58-1.22l7-8.5a.75.75 0 0 1 .88-.23Z" />
      </svg>
      {energy.toLocaleString("en-US")}
    </span>
  );
}

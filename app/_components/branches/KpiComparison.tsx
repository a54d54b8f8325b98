"use client";
import type { Branch, BranchKpis } from "../../../lib/branches/schemas";

const COLORS = ["#6366f1", "#f59e0b", "#10b981", "#ec4899", "#0ea5e9", "#8b5cf6", "#ef4444", "#14b8a6"];

/** One horizontal bar chart: a bar per branch, labelled with its value. */
function BarPlot({ title, rows, format }: { title: string; rows: { name: string; value: number | null; color: string }[]; format: (v: number) => string }) {
  const max = Math.max(1e-9, ...rows.map((r) => r.value ?? 0));
  const barH = 18;
  const labelW = 110;
  const plotW = 220;
  return (
    <figure className="min-w-0">
      <figcaption className="mb-2 text-xs font-semibold text-slate-700">{title}</figcaption>
      <svg
        viewBox={`0 0 ${labelW + plotW + 60} ${rows.length * (barH + 8)}`}
        className="w-full max-w-md"
        role="img"
        aria-label={title}
        data-testid={`kpi-plot-${title}`}
      >
        {rows.map((r, i) => {
          const w = r.value === null ? 0 : Math.max(2, (r.value / max) * plotW);
          const y = i * (barH + 8);
          return (
            <g key={r.name} transform={`translate(0,${y})`}>
              <text x={labelW - 8} y={barH - 5} fontSize={11} textAnchor="end" fill="#334155">
                {r.name.length > 14 ? `${r.name.slice(0, 13)}…` : r.name}
              </text>
              <rect x={labelW} width={plotW} height={barH} rx={4} fill="#f1f5f9" />
              <rect x={labelW} width={w} height={barH} rx={4} fill={r.color} />
              <text x={labelW + plotW + 6} y={barH - 5} fontSize={11} fill="#0f172a">
                {r.value === null ? "—" : format(r.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Branches side by side: a table of figures and plots of Tiki spent, facts learned and success rate. */
export function KpiComparison({ branches, kpis }: { branches: readonly Branch[]; kpis: readonly BranchKpis[] }) {
  const name = (id: string) => branches.find((b) => b.id === id)?.name ?? id;
  const rows = kpis.map((k, i) => ({ k, name: name(k.branch), color: COLORS[i % COLORS.length]! }));
  return (
    <div className="space-y-5" data-testid="kpi-comparison">
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
              <th className="py-2 pr-4 font-medium">Branch</th>
              <th className="py-2 pr-4 text-right font-medium">Changed</th>
              <th className="py-2 pr-4 text-right font-medium">Created</th>
              <th className="py-2 pr-4 text-right font-medium">Deleted</th>
              <th className="py-2 pr-4 text-right font-medium">Relationships</th>
              <th className="py-2 pr-4 text-right font-medium">Facts learned</th>
              <th className="py-2 pr-4 text-right font-medium">Tiki spent</th>
              <th className="py-2 pr-4 text-right font-medium">Success rate</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ k, name: n, color }) => (
              <tr key={k.branch} className="border-b border-slate-100" data-testid={`kpi-row-${n}`}>
                <td className="py-2 pr-4 font-medium text-slate-800">
                  <span className="mr-2 inline-block size-2.5 rounded-full" style={{ background: color }} />
                  {n}
                </td>
                <td className="py-2 pr-4 text-right tabular-nums" data-testid="kpi-changed">
                  {k.branch === "main" ? "—" : k.changed}
                </td>
                <td className="py-2 pr-4 text-right tabular-nums">{k.branch === "main" ? "—" : k.created}</td>
                <td className="py-2 pr-4 text-right tabular-nums">{k.branch === "main" ? "—" : k.deleted}</td>
                <td className="py-2 pr-4 text-right tabular-nums" data-testid="kpi-relationships">
                  {k.branch === "main" ? "—" : k.relationships_changed}
                </td>
                <td className="py-2 pr-4 text-right tabular-nums">{k.facts_learned}</td>
                <td className="py-2 pr-4 text-right tabular-nums">{k.tiki_spent.toLocaleString()}</td>
                <td className="py-2 pr-4 text-right tabular-nums">{k.success_rate === null ? "—" : `${Math.round(k.success_rate * 100)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <BarPlot title="Tiki spent" rows={rows.map((r) => ({ name: r.name, value: r.k.tiki_spent, color: r.color }))} format={(v) => v.toLocaleString()} />
        <BarPlot title="Facts learned" rows={rows.map((r) => ({ name: r.name, value: r.k.facts_learned, color: r.color }))} format={(v) => String(v)} />
        <BarPlot
          title="Success rate"
          rows={rows.map((r) => ({ name: r.name, value: r.k.success_rate, color: r.color }))}
          format={(v) => `${Math.round(v * 100)}%`}
        />
      </div>
    </div>
  );
}

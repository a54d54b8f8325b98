/** A tiny line of recent values (oldest left), with the latest value as a dot. */
export function Sparkline({ values, label, color = "#6366f1", testId }: { values: readonly number[]; label: string; color?: string; testId?: string }) {
  const width = 120;
  const height = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  const last = points.at(-1)?.split(",");
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label} data-testid={testId} className="overflow-visible">
      <title>{label}</title>
      <line x1="0" y1={height - 2} x2={width} y2={height - 2} stroke="#e2e8f0" strokeWidth="1" />
      {points.length > 1 && <polyline points={points.join(" ")} fill="none" stroke={color} strokeWidth="1.5" strokeLinejoin="round" />}
      {last && <circle cx={last[0]} cy={last[1]} r="2" fill={color} />}
    </svg>
  );
}

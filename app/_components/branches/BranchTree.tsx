"use client";
import type { Branch } from "../../../lib/branches/schemas";

const NODE_W = 150;
const NODE_H = 40;
const GAP_X = 60;
const GAP_Y = 18;

const STATUS_COLORS: Record<Branch["status"], { fill: string; stroke: string; text: string }> = {
  open: { fill: "#eef2ff", stroke: "#6366f1", text: "#312e81" },
  merged: { fill: "#ecfdf5", stroke: "#10b981", text: "#065f46" },
  archived: { fill: "#f8fafc", stroke: "#94a3b8", text: "#475569" },
  dropped: { fill: "#fff1f2", stroke: "#fda4af", text: "#9f1239" },
};

/** Lays branches out as a tree: depth from main to the right, one row per leaf, parents centred on their children. */
function layout(branches: readonly Branch[]) {
  const children = new Map<string, Branch[]>();
  for (const b of branches) if (b.parent) children.set(b.parent, [...(children.get(b.parent) ?? []), b]);
  const pos = new Map<string, { x: number; y: number }>();
  let row = 0;
  const place = (b: Branch, depth: number): number => {
    const kids = children.get(b.id) ?? [];
    const ys = kids.map((k) => place(k, depth + 1));
    const y = ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : row++ * (NODE_H + GAP_Y);
    pos.set(b.id, { x: depth * (NODE_W + GAP_X), y });
    return y;
  };
  const main = branches.find((b) => b.id === "main");
  if (main) place(main, 0);
  for (const b of branches) if (!pos.has(b.id)) place(b, 1);
  const width = Math.max(...[...pos.values()].map((p) => p.x)) + NODE_W;
  const height = Math.max(...[...pos.values()].map((p) => p.y)) + NODE_H;
  return { pos, width, height };
}

/** The branch tree, drawn: click a branch to select it. The current branch has a thick ring. */
export function BranchTree({
  branches,
  selected,
  current,
  onSelect,
}: {
  branches: readonly Branch[];
  selected: string | null;
  current: string;
  onSelect: (id: string) => void;
}) {
  const { pos, width, height } = layout(branches);
  return (
    <div className="overflow-x-auto">
      <svg width={width + 8} height={height + 8} viewBox={`-4 -4 ${width + 8} ${height + 8}`} role="tree" aria-label="Branch tree" data-testid="branch-tree">
        {branches.map((b) => {
          const from = b.parent ? pos.get(b.parent) : undefined;
          const to = pos.get(b.id);
          if (!from || !to) return null;
          const x1 = from.x + NODE_W;
          const y1 = from.y + NODE_H / 2;
          const x2 = to.x;
          const y2 = to.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return (
            <path
              key={`edge-${b.id}`}
              d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
              fill="none"
              stroke={b.status === "dropped" ? "#fecdd3" : "#a5b4fc"}
              strokeWidth={2}
              strokeDasharray={b.isolation === "isolated" ? "4 3" : undefined}
            />
          );
        })}
        {branches.map((b) => {
          const p = pos.get(b.id)!;
          const c = STATUS_COLORS[b.status];
          const isSelected = selected === b.id;
          return (
            <g
              key={b.id}
              role="treeitem"
              aria-selected={isSelected}
              tabIndex={0}
              data-testid={`branch-node-${b.name}`}
              transform={`translate(${p.x},${p.y})`}
              onClick={() => onSelect(b.id)}
              onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && onSelect(b.id)}
              className="cursor-pointer focus:outline-none"
            >
              <rect
                width={NODE_W}
                height={NODE_H}
                rx={10}
                fill={c.fill}
                stroke={isSelected ? "#f59e0b" : c.stroke}
                strokeWidth={current === b.id ? 3.5 : isSelected ? 2.5 : 1.5}
              />
              <text x={12} y={17} fontSize={12} fontWeight={600} fill={c.text}>
                {b.name.length > 18 ? `${b.name.slice(0, 17)}…` : b.name}
              </text>
              <text x={12} y={31} fontSize={10} fill={c.text} opacity={0.75}>
                {b.id === "main" ? "the world" : `${b.status} · ${b.isolation}`}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

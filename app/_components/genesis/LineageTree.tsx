"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../_trpc/client";
import { ErrorBox } from "../ui/ErrorBox";
import { Panel } from "../ui/Panel";
import { Skeleton } from "../ui/Skeleton";
import { layoutLineage, NODE_H, NODE_W, type PlacedEdge } from "./layoutLineage";

const EDGE_STYLE: Record<PlacedEdge["kind"], { stroke: string; dash?: string; label: string }> = {
  mutation: { stroke: "#ea580c", label: "mutation" },
  summon: { stroke: "#7c3aed", dash: "6 4", label: "summoned" },
  descent: { stroke: "#94a3b8", dash: "2 4", label: "descends from" },
};
const EVOLUTION = "#0d9488";
const MAX_DOTS = 12;

function Legend() {
  const item = (stroke: string, dash: string | undefined, text: string) => (
    <span className="inline-flex items-center gap-1.5">
      <svg width="28" height="8" aria-hidden>
        <line x1="0" y1="4" x2="28" y2="4" stroke={stroke} strokeWidth="2.5" strokeDasharray={dash} />
      </svg>
      {text}
    </span>
  );
  return (
    <div className="flex flex-wrap gap-4 text-xs text-slate-500">
      {item(EVOLUTION, undefined, "evolution (versions of one being)")}
      {item(EDGE_STYLE.mutation.stroke, undefined, "mutation (new being)")}
      {item(EDGE_STYLE.summon.stroke, EDGE_STYLE.summon.dash, "summoned by code")}
      {item(EDGE_STYLE.descent.stroke, EDGE_STYLE.descent.dash, "declared ancestry")}
    </div>
  );
}

/** The family of a being as a picture: ancestors on the left, descendants on the right, each being's versions as a chain of dots. */
export function LineageTree({ soul }: { soul: string }) {
  const trpc = useTRPC();
  const lineage = useQuery(trpc.genesis.lineage.queryOptions({ soul }));
  return (
    <Panel title="Lineage" description="Where this being's code comes from and what came of it." testId="lineage-panel">
      {lineage.isPending ? (
        <Skeleton className="h-40 w-full" />
      ) : lineage.isError ? (
        <ErrorBox error={lineage.error} title="Could not load the lineage" onRetry={() => void lineage.refetch()} />
      ) : (
        <LineagePicture lineage={lineage.data} />
      )}
    </Panel>
  );
}

function LineagePicture({ lineage }: { lineage: Parameters<typeof layoutLineage>[0] }) {
  const { nodes, edges, width, height } = layoutLineage(lineage);
  return (
    <div className="space-y-3">
      <Legend />
      <div className="overflow-x-auto">
        <svg width={width} height={height} role="img" aria-label="Lineage tree" data-testid="lineage-svg" className="block">
          <defs>
            {Object.entries(EDGE_STYLE).map(([kind, s]) => (
              <marker key={kind} id={`arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" fill={s.stroke} />
              </marker>
            ))}
          </defs>
          {edges.map((e) => {
            const s = EDGE_STYLE[e.kind];
            const mid = (e.from.x + e.to.x) / 2;
            return (
              <g key={`${e.parent}-${e.child}`} data-testid={`lineage-edge-${e.kind}`}>
                <path
                  d={`M ${e.from.x} ${e.from.y} C ${mid} ${e.from.y}, ${mid} ${e.to.y}, ${e.to.x} ${e.to.y}`}
                  fill="none"
                  stroke={s.stroke}
                  strokeWidth={e.kind === "descent" ? 1.5 : 2.5}
                  strokeDasharray={s.dash}
                  markerEnd={`url(#arrow-${e.kind})`}
                />
                {e.parent_version !== null && (
                  <text x={mid} y={(e.from.y + e.to.y) / 2 - 6} textAnchor="middle" className="fill-slate-500 text-[10px]">
                    from v{e.parent_version}
                  </text>
                )}
                <title>{`${s.label}${e.parent_version !== null ? ` (from version ${e.parent_version})` : ""}`}</title>
              </g>
            );
          })}
          {nodes.map((n) => {
            const center = n.soul === lineage.soul;
            const dots = Math.min(n.version, MAX_DOTS);
            return (
              <g key={n.soul} transform={`translate(${n.x}, ${n.y})`} data-testid="lineage-node" data-soul={n.soul}>
                <rect
                  width={NODE_W}
                  height={NODE_H}
                  rx="10"
                  fill={center ? "#eef2ff" : n.exists ? "white" : "#f8fafc"}
                  stroke={center ? "#6366f1" : n.core ? "#f59e0b" : "#cbd5e1"}
                  strokeWidth={center ? 2 : 1}
                  strokeDasharray={n.exists ? undefined : "4 3"}
                />
                {n.exists ? (
                  <Link href={`/beings/${n.soul}`}>
                    <text x="10" y="20" className="fill-slate-900 text-[12px] font-semibold hover:underline">
                      {n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name}
                    </text>
                  </Link>
                ) : (
                  <text x="10" y="20" className="fill-slate-400 text-[12px] italic">
                    (deleted)
                  </text>
                )}
                <text x="10" y="34" className="fill-slate-400 font-mono text-[9px]">
                  {n.soul.slice(0, 8)}
                  {n.core ? " · core" : n.version ? ` · v${n.version}` : ""}
                </text>
                {dots > 0 && (
                  <g transform="translate(10, 46)" data-testid="evolution-chain">
                    <line x1="0" y1="0" x2={(dots - 1) * 11} y2="0" stroke={EVOLUTION} strokeWidth="2" />
                    {Array.from({ length: dots }, (_, i) => (
                      <circle key={i} cx={i * 11} cy="0" r="3.5" fill={i === dots - 1 ? EVOLUTION : "white"} stroke={EVOLUTION} strokeWidth="1.5" />
                    ))}
                    {n.version > MAX_DOTS && (
                      <text x={dots * 11} y="3" className="fill-teal-700 text-[9px]">
                        +{n.version - MAX_DOTS}
                      </text>
                    )}
                  </g>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      {lineage.truncated && <p className="text-xs text-amber-700">Only the first descendants are shown: this family is very large.</p>}
    </div>
  );
}

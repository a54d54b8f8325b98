"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import type { Neighborhood } from "../../../lib/schemas";
import { useElementWidth } from "../../_lib/useElementWidth";
import { layoutNeighborhood } from "./layoutNeighborhood";

/** Edges get their first tag written on them while the picture has at most this many. */
const MAX_LABELLED_EDGES = 12;
/** Narrower than this, edge labels only show for the node under the pointer. */
const MIN_LABELLED_WIDTH = 520;
/** Depth-2 names are written under the node while there are at most this many. */
const MAX_LABELLED_OUTER = 14;

/** Height of the picture for its width: taller for two rings, low for one or two neighbours. */
function pictureHeight(width: number, deep: boolean, count: number): number {
  const [ratio, min, max] = deep ? [0.8, 340, 540] : count <= 2 ? [0.7, 200, 240] : [0.7, 300, 420];
  return Math.round(Math.min(Math.max(width * ratio, min), max));
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A neighbourhood drawn as SVG: click a node to open that being. */
export function NeighborhoodGraph({ hood, centerName }: { hood: Neighborhood; centerName: string }) {
  const { ref, width } = useElementWidth<HTMLDivElement>(560);
  const deep = hood.nodes.some((n) => n.depth >= 2);
  // NOTE: the picture is drawn at its real pixel size, so labels keep their size at every width.
  const height = pictureHeight(width, deep, hood.nodes.length);
  const layout = useMemo(() => layoutNeighborhood(hood, centerName, width, height), [hood, centerName, width, height]);
  const [hover, setHover] = useState<string | null>(null);
  const outer = layout.nodes.filter((n) => n.depth >= 2).length;
  const lit = (soul: string) =>
    hover === null || hover === soul || layout.edges.some((e) => (e.source === hover && e.target === soul) || (e.target === hover && e.source === soul));

  return (
    <div ref={ref} className="w-full">
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        className="block max-w-full select-none"
        role="img"
        aria-label={`Neighbourhood of ${centerName}`}
        data-testid="neighborhood-graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="fill-slate-400" />
          </marker>
          <radialGradient id="center-fill" cx="35%" cy="30%">
            <stop offset="0%" stopColor="#818cf8" />
            <stop offset="100%" stopColor="#4f46e5" />
          </radialGradient>
        </defs>
        <g fill="none">
          {layout.edges.map((e) => (
            <g key={e.id} data-testid="graph-edge" opacity={hover === null || e.source === hover || e.target === hover ? 1 : 0.15}>
              <path d={e.d} className="stroke-slate-300" strokeWidth={1.5} markerEnd="url(#arrow)" />
              {e.tags[0] &&
                (hover === null ? layout.edges.length <= MAX_LABELLED_EDGES && width >= MIN_LABELLED_WIDTH : e.source === hover || e.target === hover) && (
                  <text
                    x={e.labelX}
                    y={e.labelY - 3}
                    textAnchor="middle"
                    className="fill-slate-400 text-[10px]"
                    stroke="white"
                    strokeWidth={3}
                    paintOrder="stroke"
                  >
                    {shorten(e.tags[0], 14)}
                  </text>
                )}
            </g>
          ))}
        </g>
        {layout.nodes.map((n) => {
          const core = n.tags.includes("core");
          const fill = n.depth === 0 ? "url(#center-fill)" : core ? "#fef3c7" : n.depth === 1 ? "#e0e7ff" : "#f1f5f9";
          const stroke = n.depth === 0 ? "#4338ca" : core ? "#d97706" : n.depth === 1 ? "#6366f1" : "#94a3b8";
          const showLabel = n.depth < 2 || outer <= MAX_LABELLED_OUTER || hover === n.soul;
          const node = (
            <g
              opacity={lit(n.soul) ? 1 : 0.3}
              onMouseEnter={() => setHover(n.soul)}
              onMouseLeave={() => setHover(null)}
              className={n.depth > 0 ? "cursor-pointer" : undefined}
            >
              <title>{`${n.name}${n.tags.length ? `\ntags: ${n.tags.join(", ")}` : ""}${n.depth ? `\nenergy: ${n.energy}\ndepth: ${n.depth}` : ""}`}</title>
              <circle cx={n.x} cy={n.y} r={n.r} fill={fill} stroke={stroke} strokeWidth={n.depth === 0 ? 2 : 1.5} />
              {showLabel && (
                <text
                  x={n.x}
                  y={n.y + n.r + 13}
                  textAnchor="middle"
                  stroke="white"
                  strokeWidth={4}
                  paintOrder="stroke"
                  className={n.depth === 0 ? "fill-slate-900 text-[13px] font-semibold" : "fill-slate-700 text-[11px] font-medium"}
                >
                  {shorten(n.name, n.depth === 0 ? 28 : 16)}
                </text>
              )}
            </g>
          );
          return n.depth === 0 ? (
            <g key={n.soul} data-testid="graph-node" data-soul={n.soul} data-depth={0}>
              {node}
            </g>
          ) : (
            <Link key={n.soul} href={`/beings/${n.soul}`} data-testid="graph-node" data-soul={n.soul} data-depth={n.depth} aria-label={n.name}>
              {node}
            </Link>
          );
        })}
      </svg>
    </div>
  );
}

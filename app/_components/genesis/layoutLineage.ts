import type { Lineage, LineageEdge, LineageNode } from "../../../lib/genesis";

export const NODE_W = 168;
export const NODE_H = 58;
const GAP_X = 64;
const GAP_Y = 18;
const PAD = 16;

export interface PlacedNode extends LineageNode {
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge extends LineageEdge {
  readonly from: { x: number; y: number };
  readonly to: { x: number; y: number };
}

/**
 * Places a lineage left to right by generation (ancestors, the being, descendants), each generation a
 * column with its beings stacked and centred; edges run from a parent's right side to a child's left.
 */
export function layoutLineage(lineage: Lineage): { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number } {
  const columns = new Map<number, LineageNode[]>();
  for (const n of lineage.nodes) columns.set(n.depth, [...(columns.get(n.depth) ?? []), n]);
  const depths = [...columns.keys()].sort((a, b) => a - b);
  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const placed = new Map<string, PlacedNode>();
  depths.forEach((depth, col) => {
    const column = columns.get(depth)!.sort((a, b) => a.name.localeCompare(b.name) || a.soul.localeCompare(b.soul));
    const columnHeight = column.length * NODE_H + (column.length - 1) * GAP_Y;
    column.forEach((n, row) => {
      placed.set(n.soul, { ...n, x: PAD + col * (NODE_W + GAP_X), y: (height - columnHeight) / 2 + row * (NODE_H + GAP_Y) });
    });
  });
  const edges = lineage.edges.flatMap((e) => {
    const p = placed.get(e.parent);
    const c = placed.get(e.child);
    return p && c ? [{ ...e, from: { x: p.x + NODE_W, y: p.y + NODE_H / 2 }, to: { x: c.x, y: c.y + NODE_H / 2 } }] : [];
  });
  return { nodes: [...placed.values()], edges, width: PAD * 2 + depths.length * NODE_W + Math.max(0, depths.length - 1) * GAP_X, height };
}

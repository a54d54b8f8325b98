import type { Neighborhood } from "../../../lib/schemas";

/** Most nodes drawn; a larger neighbourhood is cut (the panel says so) so the picture stays readable. */
export const MAX_DRAWN_NODES = 48;

export const NODE_RADIUS = [22, 15, 10] as const;

export interface PlacedNode {
  soul: string;
  name: string;
  tags: string[];
  energy: number;
  depth: number;
  x: number;
  y: number;
  r: number;
}

export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  tags: string[];
  /** SVG path from the rim of the source to the rim of the target. */
  d: string;
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Nodes left out to stay under MAX_DRAWN_NODES. */
  hidden: number;
}

/**
 * Places a neighbourhood on concentric ellipses: the being in the middle, depth-1
 * neighbours around it, depth-2 neighbours outside, each next to the neighbour that
 * leads to it. Parallel edges bend apart; self-loops become small loops.
 */
export function layoutNeighborhood(hood: Neighborhood, centerName: string, width = 640, height = 400): GraphLayout {
  const cx = width / 2;
  const cy = height / 2;
  const kept = hood.nodes.slice(0, MAX_DRAWN_NODES);
  const maxDepth = kept.reduce((m, n) => Math.max(m, n.depth), 0);
  const ring = (depth: number) => {
    // Inner rings get a bit more than their share: they hold the names that matter most.
    const share = maxDepth <= 1 ? 1 : depth === maxDepth ? 1 : 0.55;
    return { rx: (width / 2 - 64) * share, ry: (height / 2 - 34) * share };
  };

  const placed = new Map<string, PlacedNode>();
  placed.set(hood.center, { soul: hood.center, name: centerName, tags: [], energy: 0, depth: 0, x: cx, y: cy, r: NODE_RADIUS[0] });
  const angleOf = new Map<string, number>([[hood.center, 0]]);

  for (let depth = 1; depth <= maxDepth; depth++) {
    const level = kept.filter((n) => n.depth === depth);
    // The angle of a node's parent (a placed neighbour one level in), so children sit beside it.
    const parentAngle = (soul: string) => {
      for (const e of hood.edges) {
        const other = e.source_soul === soul ? e.target_soul : e.target_soul === soul ? e.source_soul : undefined;
        const parent = other !== undefined ? placed.get(other) : undefined;
        if (parent && parent.depth === depth - 1 && other !== undefined) return angleOf.get(other) ?? 0;
      }
      return Number.POSITIVE_INFINITY;
    };
    const ordered = level.map((n) => ({ n, a: depth === 1 ? 0 : parentAngle(n.soul) })).sort((p, q) => p.a - q.a);
    const step = (2 * Math.PI) / Math.max(level.length, 1);
    const first = ordered[0];
    // NOTE: depth 1 starts half a step past "up" so no neighbour sits where a self-loop is drawn.
    // A lone neighbour sits to the right, level with the centre, where its arrow and label stay clear.
    const firstDepth1 = level.length === 1 ? 0 : -Math.PI / 2 + step / 2;
    const start = depth === 1 || !first || !Number.isFinite(first.a) ? firstDepth1 : first.a - step / 2;
    const { rx, ry } = ring(depth);
    ordered.forEach(({ n }, i) => {
      const angle = start + i * step;
      angleOf.set(n.soul, angle);
      placed.set(n.soul, {
        soul: n.soul,
        name: n.name,
        tags: n.tags,
        energy: n.energy_level,
        depth,
        x: cx + rx * Math.cos(angle),
        y: cy + ry * Math.sin(angle),
        r: NODE_RADIUS[Math.min(depth, 2)] ?? 10,
      });
    });
  }

  const pairCount = new Map<string, number>();
  const edges: PlacedEdge[] = [];
  for (const e of hood.edges) {
    const a = placed.get(e.source_soul);
    const b = placed.get(e.target_soul);
    if (!a || !b) continue;
    const pair = [e.source_soul, e.target_soul].sort().join("|");
    const index = pairCount.get(pair) ?? 0;
    pairCount.set(pair, index + 1);
    if (a === b) {
      const lift = a.r + 14 + index * 8;
      edges.push({
        id: e.id,
        source: a.soul,
        target: b.soul,
        tags: e.tags,
        d: `M ${a.x - 6} ${a.y - a.r} C ${a.x - 22} ${a.y - lift - 10}, ${a.x + 22} ${a.y - lift - 10}, ${a.x + 6} ${a.y - a.r}`,
        labelX: a.x,
        labelY: a.y - lift - 6,
      });
      continue;
    }
    // Bend each further edge between the same pair to alternating sides; the first one is straight.
    const bend = index === 0 ? 0 : (index % 2 === 1 ? 1 : -1) * Math.ceil(index / 2) * 18 * (e.source_soul < e.target_soul ? 1 : -1);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const mx = (a.x + b.x) / 2 - (dy / len) * bend;
    const my = (a.y + b.y) / 2 + (dx / len) * bend;
    const from = towards(a, mx, my, a.r + 2);
    const to = towards(b, mx, my, b.r + 5);
    edges.push({ id: e.id, source: a.soul, target: b.soul, tags: e.tags, d: `M ${from.x} ${from.y} Q ${mx} ${my} ${to.x} ${to.y}`, labelX: mx, labelY: my });
  }
  return { width, height, nodes: [...placed.values()], edges, hidden: hood.nodes.length - kept.length };
}

function towards(node: { x: number; y: number }, x: number, y: number, distance: number) {
  const len = Math.hypot(x - node.x, y - node.y) || 1;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { x: round(node.x + ((x - node.x) / len) * distance), y: round(node.y + ((y - node.y) / len) * distance) };
}

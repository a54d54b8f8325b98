import { describe, expect, it } from "vitest";
import type { Neighborhood, Relationship } from "../../../lib/schemas";
import { layoutNeighborhood, MAX_DRAWN_NODES } from "./layoutNeighborhood";

const soul = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
const edge = (id: number, s: number, t: number): Relationship => ({
  id: soul(1000 + id),
  tags: [],
  energy_level: 0,
  source_soul: soul(s),
  target_soul: soul(t),
  genesis: {},
  attributes: {},
  branches: ["main"],
  created_at: "",
  updated_at: "",
});

describe("layoutNeighborhood", () => {
  it("puts the center in the middle and every node inside the picture", () => {
    const hood: Neighborhood = {
      center: soul(0),
      nodes: [1, 2, 3].map((i) => ({ soul: soul(i), name: `n${i}`, tags: [], energy_level: 0, depth: i === 3 ? 2 : 1 })),
      edges: [edge(1, 0, 1), edge(2, 2, 0), edge(3, 1, 3), edge(4, 0, 1), edge(5, 0, 0)],
      truncated: false,
    };
    const layout = layoutNeighborhood(hood, "center", 640, 400);
    expect(layout.nodes[0]).toMatchObject({ soul: soul(0), x: 320, y: 200 });
    for (const n of layout.nodes) {
      expect(n.x - n.r).toBeGreaterThanOrEqual(0);
      expect(n.x + n.r).toBeLessThanOrEqual(640);
      expect(n.y - n.r).toBeGreaterThanOrEqual(0);
      expect(n.y + n.r).toBeLessThanOrEqual(400);
    }
    expect(layout.edges).toHaveLength(5);
    expect(new Set(layout.edges.map((e) => e.d)).size).toBe(5);
  });

  it("cuts large neighbourhoods and drops their edges", () => {
    const nodes = Array.from({ length: MAX_DRAWN_NODES + 5 }, (_, i) => ({ soul: soul(i + 1), name: `n${i}`, tags: [], energy_level: 0, depth: 1 }));
    const layout = layoutNeighborhood({ center: soul(0), nodes, edges: nodes.map((n, i) => edge(i, 0, i + 1)), truncated: false }, "c");
    expect(layout.hidden).toBe(5);
    expect(layout.edges).toHaveLength(MAX_DRAWN_NODES);
  });
});

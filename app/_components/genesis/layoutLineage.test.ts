import { describe, expect, it } from "vitest";
import { layoutLineage, NODE_W } from "./layoutLineage";

const node = (soul: string, depth: number) => ({ soul, name: soul, exists: true, core: false, version: 1, depth });

describe("layoutLineage", () => {
  it("puts generations in columns left to right and joins parents to children", () => {
    const { nodes, edges, width } = layoutLineage({
      soul: "b",
      nodes: [node("a", -1), node("b", 0), node("c", 1), node("d", 1)],
      edges: [
        { kind: "descent", parent: "a", child: "b", parent_version: null },
        { kind: "mutation", parent: "b", child: "c", parent_version: 2 },
        { kind: "summon", parent: "b", child: "d", parent_version: 2 },
      ],
      truncated: false,
    });
    const x = Object.fromEntries(nodes.map((n) => [n.soul, n.x]));
    expect(x["a"]! < x["b"]! && x["b"]! < x["c"]!).toBe(true);
    expect(x["c"]).toBe(x["d"]);
    expect(nodes.find((n) => n.soul === "c")!.y).not.toBe(nodes.find((n) => n.soul === "d")!.y);
    expect(edges).toHaveLength(3);
    expect(edges[1]!.from.x).toBe(x["b"]! + NODE_W);
    expect(width).toBeGreaterThan(3 * NODE_W);
  });

  it("drops edges to beings it does not show", () => {
    expect(
      layoutLineage({ soul: "a", nodes: [node("a", 0)], edges: [{ kind: "mutation", parent: "a", child: "zz", parent_version: 1 }], truncated: false }).edges,
    ).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { classify } from "./classify";
import { planEvolve } from "./evolve";
import { readGenesis } from "./genesisDocument";
import { applyOps, diffOps, sideBySide } from "./lineDiff";
import { nextVersion, reconstruct, ReconstructError } from "./versions";

const F = "def function(x):\n    return x\n";

describe("classify", () => {
  it("calls a small addition an evolution and says so", () => {
    const c = classify(F, `${F}# doubled later\n`);
    expect(c).toMatchObject({ kind: "evolution", added: 1, removed: 0 });
    expect(c.reason).toMatch(/new version of this being/);
  });
  it("calls a removed or changed line a mutation", () => {
    expect(classify(F, "def function(x):\n    return 2 * x\n")).toMatchObject({ kind: "mutation", removed: 1, added: 1 });
    expect(classify(F, "def function(x):\n").kind).toBe("mutation");
  });
  it("calls an addition past half the code a mutation", () => {
    const four = `${F}# a\n# b\n`;
    expect(classify(four, `${four}c\nd\n`).kind).toBe("evolution");
    expect(classify(four, `${four}c\nd\ne\n`).kind).toBe("mutation");
  });
  it("lets a being with no source evolve into any source", () => {
    expect(classify("", F).kind).toBe("evolution");
  });
  it("sees nothing to save when nothing changed", () => {
    expect(classify(F, F).kind).toBe("unchanged");
  });
});

describe("line diff", () => {
  it("applies exactly, including a missing final newline and CRLF", () => {
    const a = "x\r\ny\nz";
    const b = "x\r\nw\ny\nz\n";
    expect(applyOps(a, diffOps(a, b).ops)).toBe(b);
  });
  it("refuses a diff made from another text", () => {
    expect(() => applyOps("short", diffOps("a much longer text\n", "b\n").ops)).toThrow(/past the end|another text/);
  });
  it("pairs replaced lines side by side", () => {
    expect(sideBySide("a\nb\nc\n", "a\nB\nc\nd\n").map((r) => [r.kind, r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ["same", "a", "a"],
      ["changed", "b", "B"],
      ["same", "c", "c"],
      ["added", null, "d"],
    ]);
  });
});

describe("versions", () => {
  it("names a missing version", () => {
    const v1 = nextVersion(0, "", F, "t", null);
    expect(() => reconstruct([v1], 2)).toThrow(ReconstructError);
    expect(() => reconstruct([v1], 2)).toThrow(/Version 2 does not exist/);
  });
});

describe("planEvolve", () => {
  const parent = readGenesis({ name: "double", type: "function", language: "python", source: F, ancestors: ["root"], version: 1, meta: { author: "me" } });
  const base = { soul: "p", genesis: parent, stored: { version: 1, source: F } };

  it("plans a mutation as a new being with the parent appended to the ancestors", () => {
    const plan = planEvolve(base, { source: "def function(x):\n    return 2 * x\n", name: "double2", at: "now" });
    if (plan.kind !== "mutation") throw new Error(plan.kind);
    expect(plan.child).toMatchObject({
      name: "double2",
      ancestors: ["root", "p"],
      version: 1,
      meta: { author: "me", mutated_from: { soul: "p", version: 1 } },
    });
    expect(plan.record).toMatchObject({ version: 1, stored: "snapshot" });
    expect(plan.adopt).toBeNull();
  });

  it("stores a source edited outside evolve as its own version first", () => {
    const drifted = { ...base, genesis: { ...parent, source: `${F}# by hand\n` } };
    const plan = planEvolve(drifted, { source: `${F}# by hand\n# more\n`, at: "now" });
    if (plan.kind !== "evolution") throw new Error(plan.kind);
    expect(plan.adopt).toMatchObject({ version: 2, message: "edited outside genesis.evolve" });
    expect(plan.record.version).toBe(3);
    expect(reconstruct([nextVersion(0, "", F, "t", null), plan.adopt!, plan.record], 2)).toBe(`${F}# by hand\n`);
  });
});

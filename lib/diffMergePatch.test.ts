import { describe, expect, it } from "vitest";
import { applyMergePatch, type JsonObject } from "./jsonMergePatch";
import { diffMergePatch, holdsNull } from "./diffMergePatch";

describe("diffMergePatch", () => {
  it("removes, replaces and recurses", () => {
    expect(diffMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { b: { c: 2, d: 4 }, e: [1, 2] })).toEqual({ a: null, b: { d: 4 }, e: [1, 2] });
  });

  it("is empty when nothing changed", () => {
    expect(diffMergePatch({ a: { b: [1, { c: true }] } }, { a: { b: [1, { c: true }] } })).toEqual({});
  });

  it("round-trips through applyMergePatch for null-free documents (seeded random)", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const value = (depth: number): JsonObject[string] => {
      const r = rand();
      if (depth > 2 || r < 0.3) return Math.floor(rand() * 4);
      if (r < 0.45) return ["x", Math.floor(rand() * 3)];
      if (r < 0.55) return "s" + Math.floor(rand() * 3);
      return doc(depth + 1);
    };
    const doc = (depth: number): JsonObject => {
      const out: JsonObject = {};
      for (const k of ["a", "b", "c", "d"]) if (rand() < 0.6) out[k] = value(depth);
      return out;
    };
    for (let i = 0; i < 500; i++) {
      const before = doc(0);
      const after = doc(0);
      expect(applyMergePatch(before, diffMergePatch(before, after))).toEqual(after);
    }
  });

  it("spots nulls a merge patch cannot keep", () => {
    expect(holdsNull({ a: { b: null } })).toBe(true);
    expect(holdsNull({ a: [null] })).toBe(false);
  });
});

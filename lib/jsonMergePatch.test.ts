import { describe, expect, it } from "vitest";
import { applyMergePatch, type Json } from "./jsonMergePatch";
import { createRandom } from "./random";
import { randomObject } from "./randomJson";

describe("applyMergePatch (RFC 7386)", () => {
  it("passes the RFC's own examples", () => {
    const cases: [Json, Json, Json][] = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [
        ["a", "b"],
        ["c", "d"],
        ["c", "d"],
      ],
      [{ a: "b" }, ["c"], ["c"]],
      [{ a: "foo" }, null, null],
      [{ a: "foo" }, "bar", "bar"],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of cases) expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("never mutates its inputs, is idempotent, and leaves no nulls from the patch (seeded fuzz)", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const rng = createRandom(seed);
      const target = randomObject(rng, 3, false);
      const patch = randomObject(rng, 3, true);
      const [t0, p0] = [structuredClone(target), structuredClone(patch)];
      const once = applyMergePatch(target, patch);
      expect(target, `seed ${seed}`).toEqual(t0);
      expect(patch, `seed ${seed}`).toEqual(p0);
      expect(applyMergePatch(once, patch), `seed ${seed}`).toEqual(once);
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) expect(once, `seed ${seed}`).not.toHaveProperty([key]);
      }
    }
  });
});

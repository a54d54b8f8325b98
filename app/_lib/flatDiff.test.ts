import { describe, expect, it } from "vitest";
import { flatDiff, showValue } from "./flatDiff";

describe("flatDiff", () => {
  it("lists the leaves that differ, added and removed ones too, in path order", () => {
    expect(flatDiff({ a: { b: 1, gone: true }, tags: ["x"] }, { a: { b: 2, c: 3 }, tags: ["x"] })).toEqual([
      { path: "a.b", then: 1, now: 2 },
      { path: "a.c", then: undefined, now: 3 },
      { path: "a.gone", then: true, now: undefined },
    ]);
  });

  it("compares arrays and values below maxDepth whole, and finds nothing between equal documents", () => {
    expect(flatDiff({ list: [1, 2] }, { list: [1, 3] })).toEqual([{ path: "list", then: [1, 2], now: [1, 3] }]);
    expect(flatDiff({ a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, 1)).toEqual([{ path: "a", then: { b: { c: 1 } }, now: { b: { c: 2 } } }]);
    expect(flatDiff({ a: 1, b: [{ c: null }] }, { b: [{ c: null }], a: 1 })).toEqual([]);
    expect(flatDiff(null, { a: 1 })).toEqual([{ path: "(whole)", then: null, now: { a: 1 } }]);
  });

  it("shows values short", () => {
    expect(showValue(undefined)).toBe("—");
    expect(showValue("x".repeat(100), 10)).toBe("xxxxxxxxx…");
    expect(showValue({ a: 1 })).toBe('{"a":1}');
  });
});

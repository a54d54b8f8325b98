import { describe, expect, it } from "vitest";
import { createRandom } from "../../../lib/random";
import { textEdit } from "./NotesPanel";

describe("textEdit", () => {
  it("finds the one changed span", () => {
    expect(textEdit("hello world", "hello brave world")).toEqual({ index: 6, remove: 0, insert: "brave " });
    expect(textEdit("hello world", "hello")).toEqual({ index: 5, remove: 6, insert: "" });
    expect(textEdit("aaa", "aa")).toEqual({ index: 2, remove: 1, insert: "" });
    expect(textEdit("", "x")).toEqual({ index: 0, remove: 0, insert: "x" });
  });

  it("always turns before into after (500 seeded pairs)", () => {
    const rnd = createRandom(7);
    const word = () => Array.from({ length: rnd.int(0, 12) }, () => rnd.pick(["a", "b", " ", "é", "\n"])).join("");
    for (let i = 0; i < 500; i++) {
      const before = word();
      const after = rnd.bool() ? word() : `${before.slice(0, rnd.int(0, before.length))}${word()}${before.slice(rnd.int(0, before.length))}`;
      const { index, remove, insert } = textEdit(before, after);
      expect(before.slice(0, index) + insert + before.slice(index + remove), `pair ${i}`).toBe(after);
    }
  });
});

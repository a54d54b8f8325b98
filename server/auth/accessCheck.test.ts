import { describe, expect, it } from "vitest";
import { branchesNamed } from "./accessCheck";

describe("branchesNamed", () => {
  it("finds the branch of an input, and of the objects one level down, without repeats", () => {
    expect(branchesNamed({ soul: "s", branch: "b-1" })).toEqual(["b-1"]);
    expect(branchesNamed({ facts: [{ branch: " Main" }] }), "only exactly main is main").toEqual([" Main"]);
    expect(branchesNamed({ scope: { branch: "b-2" }, need: {} })).toEqual(["b-2"]);
    expect(branchesNamed({ facts: [{ branch: "b-3" }, { branch: "b-3" }, { branch: "main" }, {}] })).toEqual(["b-3", "main"]);
    expect(branchesNamed({ beings: [{ genesis: { branch: "deeper" } }] })).toEqual([]);
  });

  it("answers nothing for inputs without one", () => {
    expect(branchesNamed(undefined)).toEqual([]);
    expect(branchesNamed("main")).toEqual([]);
    expect(branchesNamed({ branches: ["b-1"] })).toEqual([]);
  });
});

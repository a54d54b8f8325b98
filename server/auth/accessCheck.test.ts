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

  it("counts a row's branches tags as branches written in (a main write must not slip rows into someone's branch)", () => {
    expect(branchesNamed({ genesis: {}, branches: ["main", "b-1"] })).toEqual(["main", "b-1"]);
    expect(
      branchesNamed({
        relationships: [
          { source_soul: "s", branches: ["b-2"] },
          { branch: "b-3", branches: ["b-3"] },
        ],
      }),
    ).toEqual(["b-2", "b-3"]);
  });

  it("answers nothing for inputs without one", () => {
    expect(branchesNamed(undefined)).toEqual([]);
    expect(branchesNamed("main")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { BRANCH_AWARE_PATHS, inBranch } from "./inBranch";

const BRANCH = "0190c3a2-7b1e-7c3d-9f2e-1a2b3c4d5e6f";

describe("inBranch", () => {
  it("puts every branch-aware read and write in the branch", () => {
    for (const path of BRANCH_AWARE_PATHS) expect(inBranch(path, { soul: "x" }, BRANCH)).toEqual({ soul: "x", branch: BRANCH });
  });

  it("makes a new relationship in the branch (a SUMMON's link to its child)", () => {
    expect(inBranch("relationships.create", { source_soul: "a", target_soul: "b" }, BRANCH)).toEqual({
      source_soul: "a",
      target_soul: "b",
      branch: BRANCH,
    });
  });

  it("charges LOAD url's fetch to the branch", () => {
    expect(inBranch("lux.fetch", { url: "https://example.com" }, BRANCH)).toEqual({ url: "https://example.com", spend: { branch: BRANCH } });
  });

  it("keeps a branch the call names itself, and leaves main calls and other procedures alone", () => {
    expect(inBranch("beings.list", { branch: "main" }, BRANCH)).toEqual({ branch: "main" });
    expect(inBranch("relationships.create", { branch: "main" }, BRANCH)).toEqual({ branch: "main" });
    expect(inBranch("beings.list", { limit: 1 }, "main")).toEqual({ limit: 1 });
    expect(inBranch("reasoning.status", { any: 1 }, BRANCH)).toEqual({ any: 1 });
    expect(inBranch("beings.list", undefined, BRANCH)).toBeUndefined();
  });
});

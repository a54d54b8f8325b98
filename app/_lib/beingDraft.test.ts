import { describe, expect, it } from "vitest";
import type { Being } from "../../lib/schemas";
import { checkDraft, draftFromBeing, EMPTY_DRAFT } from "./beingDraft";

describe("checkDraft", () => {
  it("needs a name and explains bad JSON per field", () => {
    const check = checkDraft({ ...EMPTY_DRAFT, attributes: "{oops", memories: "[1]" });
    expect(check.ok).toBe(false);
    expect(check.errors.name).toMatch(/name/);
    expect(check.errors.attributes).toMatch(/Not valid JSON/);
    expect(check.errors.memories).toMatch(/must be a JSON object/);
  });

  it("builds the values the server expects", () => {
    const check = checkDraft({ ...EMPTY_DRAFT, name: " Ada ", type: "agent", tags: "a, b, a", energy: "7", genesis: '{"meta": {"x": 1}}' });
    expect(check.ok && check.values).toEqual({
      tags: ["a", "b"],
      energy_level: 7,
      genesis: { meta: { x: 1 }, name: "Ada", type: "agent" },
      attributes: {},
      memories: {},
      self_awareness: {},
    });
  });

  it("refuses a fractional energy", () => {
    expect(checkDraft({ ...EMPTY_DRAFT, name: "x", energy: "1.5" }).errors.energy).toMatch(/whole number/);
  });

  it("round-trips a being", () => {
    const being: Being = {
      soul: "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f",
      tags: ["t"],
      energy_level: 3,
      genesis: { name: "N", type: { odd: true }, ancestors: [] },
      attributes: { a: 1 },
      memories: {},
      self_awareness: {},
      branches: ["main"],
      has_embedding: false,
      core: false,
      created_at: "2025-01-01T00:00:00.000000Z",
      updated_at: "2025-01-01T00:00:00.000000Z",
    };
    const check = checkDraft(draftFromBeing(being));
    expect(check.ok && check.values.genesis).toEqual(being.genesis);
  });
});

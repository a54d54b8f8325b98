import { describe, expect, it } from "vitest";
import { canAfford, costOf, createBudget, describeStep, recordSpent, remaining, spend, TIKI_COSTS, withLimit, type Budget, type TikiStep } from "./tiki";

describe("costOf", () => {
  it("prices fixed steps from the table", () => {
    expect(costOf({ kind: "reflex_tick" }).tiki).toBe(TIKI_COSTS.reflex_tick);
    expect(costOf({ kind: "situation_tick" }).tiki).toBe(TIKI_COSTS.situation_tick);
    expect(costOf({ kind: "supervision_tick" }).tiki).toBe(TIKI_COSTS.supervision_tick);
    expect(costOf({ kind: "plan_operation" }).tiki).toBe(TIKI_COSTS.plan_operation);
    expect(costOf({ kind: "master_call" }).tiki).toBe(TIKI_COSTS.master_call);
    expect(costOf({ kind: "lux_step" }).tiki).toBe(TIKI_COSTS.lux_step);
    expect(costOf({ kind: "memory_op" }).tiki).toBe(TIKI_COSTS.memory_op);
    expect(costOf({ kind: "being_call" }).tiki).toBe(TIKI_COSTS.being_call);
    expect(costOf({ kind: "summon" }).tiki).toBe(TIKI_COSTS.summon);
  });

  it("prices metered steps per thousand, rounding up so nothing non-empty is free", () => {
    expect(costOf({ kind: "embed", chars: 0 }).tiki).toBe(0);
    expect(costOf({ kind: "embed", chars: 1 }).tiki).toBe(1);
    expect(costOf({ kind: "embed", chars: 2500 }).tiki).toBe(25);
    expect(costOf({ kind: "sandbox", ms: 1000 }).tiki).toBe(TIKI_COSTS.sandbox_per_1k_ms);
    expect(costOf({ kind: "llm", provider: "webllm", tokensIn: 1200, tokensOut: 300 }).tiki).toBe(24 + 18);
  });

  it("makes the cloud dearer than the local model, and the local model dearer than the deterministic reasoner", () => {
    const tokens = (provider: "deterministic" | "webllm" | "openai_compatible") => costOf({ kind: "llm", provider, tokensIn: 2000, tokensOut: 500 }).tiki;
    expect(tokens("deterministic")).toBeLessThan(tokens("webllm"));
    expect(tokens("webllm")).toBeLessThan(tokens("openai_compatible"));
  });

  it("always returns whole, non-negative Tiki", () => {
    const steps: TikiStep[] = [
      { kind: "embed", chars: 333 },
      { kind: "sandbox", ms: 7.5 },
      { kind: "llm", provider: "openai_compatible", tokensIn: 1, tokensOut: 1 },
    ];
    for (const step of steps) {
      const { tiki } = costOf(step);
      expect(Number.isInteger(tiki) && tiki >= 0, describeStep(step)).toBe(true);
    }
  });

  it("refuses negative and non-finite quantities", () => {
    expect(() => costOf({ kind: "embed", chars: -1 })).toThrow(RangeError);
    expect(() => costOf({ kind: "sandbox", ms: Number.NaN })).toThrow(/ms must be a finite number/);
    expect(() => costOf({ kind: "llm", provider: "webllm", tokensIn: Infinity, tokensOut: 0 })).toThrow(/tokensIn/);
  });
});

describe("Budget", () => {
  it("spends down to zero and then refuses, naming the step and the amounts", () => {
    let budget: Budget = createBudget(3);
    for (let i = 0; i < 3; i++) {
      const paid = spend(budget, costOf({ kind: "reflex_tick" }));
      expect(paid.ok).toBe(true);
      if (paid.ok) budget = paid.value;
    }
    expect(remaining(budget)).toBe(0);
    const refused = spend(budget, costOf({ kind: "reflex_tick" }));
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({ reason: "over_budget", tiki: 1, remaining: 0, step: { kind: "reflex_tick" } }),
    });
    if (!refused.ok) expect(refused.error.message).toBe("reflex_tick costs 1 Tiki but only 0 of 3 remain; raise the budget or choose a cheaper step");
  });

  it("never partially spends: a refusal leaves the budget as it was", () => {
    const budget = createBudget(50);
    const refused = spend(budget, costOf({ kind: "llm", provider: "openai_compatible", tokensIn: 1000, tokensOut: 0 }));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/^llm \(openai_compatible, 1000 in \/ 0 out\) costs 150 Tiki but only 50 of 50 remain/);
    expect(budget).toEqual({ limit: 50, spent: 0 });
    expect(canAfford(budget, costOf({ kind: "master_call" }))).toBe(true);
    expect(canAfford(budget, costOf({ kind: "plan_operation" }))).toBe(false);
  });

  it("is a value: spending returns a new budget and leaves the old one alone", () => {
    const before = createBudget(100);
    const after = spend(before, costOf({ kind: "supervision_tick" }));
    expect(after).toEqual({ ok: true, value: { limit: 100, spent: 20 } });
    expect(before).toEqual({ limit: 100, spent: 0 });
  });

  it("keeps what was spent when the limit changes, and never reports negative remaining", () => {
    const spent = { limit: 100, spent: 80 };
    expect(remaining(withLimit(spent, 200))).toBe(120);
    expect(remaining(withLimit(spent, 50))).toBe(0);
    expect(() => createBudget(-1)).toThrow(RangeError);
    expect(() => createBudget(1.5)).toThrow(/whole number/);
  });

  it("records work paid after the fact, even past the limit", () => {
    const over = recordSpent({ limit: 100, spent: 90 }, costOf({ kind: "llm", provider: "openai_compatible", tokensIn: 100, tokensOut: 100 }).tiki);
    expect(over).toEqual({ limit: 100, spent: 90 + 15 + 60 });
    expect(remaining(over)).toBe(0);
    expect(spend(over, costOf({ kind: "reflex_tick" })).ok).toBe(false);
    expect(() => recordSpent(over, -1)).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { MAX_INBOX } from "./constants";
import { createMind, enqueue, MindError } from "./createMind";
import { T0, TEST_SOUL } from "./testkit";
import { parseMindInput, type MindInput } from "./types";

describe("createMind", () => {
  it("starts running, normal, every layer due, with the default rates and rules", () => {
    const mind = createMind({ soul: TEST_SOUL.toUpperCase(), budget: 500, goals: [{ id: "g", description: "be" }] });
    expect(mind).toMatchObject({ soul: TEST_SOUL, branch: "main", run: "running", mode: "normal", budget: { limit: 500, spent: 0 } });
    expect(mind.config).toEqual({
      periods: { reflex: 50, situation: 500, supervision: 5000 },
      safety: { forbidden: [], maxActionsPerSecond: 10 },
      numericTolerance: 1e-6,
      planTimeoutMs: 30_000,
      exploreTimeoutMs: 30_000,
      maxGoalAttempts: 3,
    });
    expect(mind.goals).toEqual([{ id: "g", description: "be", priority: 0, status: "pending", attempts: 0 }]);
    expect(mind.lastRunAt).toEqual({ reflex: null, situation: null, supervision: null });
  });

  it("refuses a bad soul, branch or period with a MindError that says which", () => {
    expect(() => createMind({ soul: "nobody", budget: 1 })).toThrow(MindError);
    expect(() => createMind({ soul: "nobody", budget: 1 })).toThrow(/soul must be a being's soul/);
    expect(() => createMind({ soul: TEST_SOUL, budget: 1, branch: "" })).toThrow(/branch must be 1 to 64 characters/);
    expect(() => createMind({ soul: TEST_SOUL, budget: 1, periods: { reflex: 0 } })).toThrow(/periods\.reflex must be a positive/);
    expect(() => createMind({ soul: TEST_SOUL, budget: -5 })).toThrow(RangeError);
  });
});

describe("enqueue", () => {
  it("wakes the reflex and drops the oldest inputs past the cap, counting them", () => {
    let mind = createMind({ soul: TEST_SOUL, budget: 1 });
    for (let i = 0; i < MAX_INBOX + 5; i++) mind = enqueue(mind, { kind: "perception", key: "k", value: i });
    expect(mind.wake).toBe(true);
    expect(mind.inbox).toHaveLength(MAX_INBOX);
    expect(mind.inbox[0]).toEqual({ kind: "perception", key: "k", value: 5 });
    expect(mind.stats.dropped_inputs).toBe(5);
  });
});

describe("parseMindInput", () => {
  it("accepts every kind of input", () => {
    const inputs: MindInput[] = [
      { kind: "message", id: "m1", from: "room:lobby", text: "hi", trace: { traceid: "4bf92f3577b34da6a3ce929d0e0e4736", spanid: "00f067aa0ba902b7" } },
      { kind: "perception", key: "door", value: { open: true, at: T0 } },
      { kind: "expectation", key: "door", value: null },
      { kind: "operation_result", id: "plan-1", status: "timeout" },
      { kind: "budget_update", limit: 0 },
      { kind: "command", command: "pause" },
      { kind: "goal", id: "g", description: "learn", priority: 2 },
    ];
    for (const input of inputs) expect(parseMindInput(JSON.parse(JSON.stringify(input))), input.kind).toEqual({ ok: true, value: input });
  });

  it("refuses anything else with a message, never throwing", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const cases: [unknown, RegExp][] = [
      [{ kind: "shout" }, /kind/],
      [{ kind: "message", id: "m1", from: "someone", text: "hi" }, /from: must be a being's soul/],
      [{ kind: "perception", key: "x", value: Number.NaN }, /value is NaN/],
      [{ kind: "perception", key: "x", value: deep }, /nested deeper than/],
      [{ kind: "budget_update", limit: 1.5 }, /limit/],
      [{ kind: "command", command: "explode" }, /command/],
      [null, /not a valid mind input/],
    ];
    for (const [input, message] of cases) {
      const result = parseMindInput(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    }
  });
});

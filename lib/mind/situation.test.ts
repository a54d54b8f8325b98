import { describe, expect, it } from "vitest";
import { seededRandomBytes } from "../events/ids";
import { createMind } from "./createMind";
import { assessSituation, matches } from "./situation";
import { actionsOf, decisionsOf, T0, TEST_SOUL } from "./testkit";
import type { MindState, WorldUpdate } from "./types";

const options = { randomBytes: seededRandomBytes(21) };
const mind = () => createMind({ soul: TEST_SOUL, budget: 1_000 });
const perceive = (key: string, value: WorldUpdate["value"], at = T0): WorldUpdate => ({ kind: "perception", key, value, at });
const expectIt = (key: string, value: WorldUpdate["value"], at = T0): WorldUpdate => ({ kind: "expectation", key, value, at });
const withUpdates = (state: MindState, ...updates: WorldUpdate[]): MindState => ({ ...state, updates: [...state.updates, ...updates] });

describe("matches", () => {
  it("compares numbers within the tolerance and everything else as JSON", () => {
    expect(matches(1, 1 + 1e-7, 1e-6)).toBe(true);
    expect(matches(1, 1.1, 1e-6)).toBe(false);
    expect(matches(1, 1.1, 0.2)).toBe(true);
    expect(matches({ a: [1, { b: null }], c: "x" }, { c: "x", a: [1, { b: null }] }, 0)).toBe(true);
    expect(matches({ a: 1 }, { a: 1, b: 2 }, 0)).toBe(false);
    expect(matches([1, 2], [2, 1], 0)).toBe(false);
    expect(matches(null, "null", 0)).toBe(false);
    expect(matches("1", 1, 10)).toBe(false);
  });
});

describe("situation assessment", () => {
  it("folds perceptions and expectations into the world model, paying its tick", () => {
    const { state, actions } = assessSituation(withUpdates(mind(), perceive("door", "open", T0 + 5), expectIt("lamp", true)), T0 + 10, options);
    expect(state.world).toEqual({ door: { observed: "open", observed_at: T0 + 5 }, lamp: { expected: true } });
    expect(state.updates).toEqual([]);
    expect(state.budget.spent).toBe(5);
    expect(state.stats.ticks.situation).toBe(1);
    expect(actions).toEqual([]);
  });

  it("on a violation interrupts supervision and explores; explained by a new expectation, it goes back to normal", () => {
    const violated = assessSituation(withUpdates(mind(), expectIt("temperature", 20), perceive("temperature", 25)), T0, options);
    expect(violated.state.mode).toBe("exploring");
    expect(violated.state.violations).toEqual({ temperature: { key: "temperature", expected: 20, observed: 25, since: T0 } });
    expect(violated.state.interrupts.supervision).toEqual([{ reason: "violation", ref: "temperature", at: T0 }]);
    expect(actionsOf(violated.actions, "set_mode")).toEqual([{ kind: "set_mode", mode: "exploring" }]);
    expect(decisionsOf(violated.actions)).toMatchObject([
      { layer: "situation", decision: "expectation_violated", rationale: "expected temperature = 20 but observed 25; supervision woken", confidence: 1 },
      { layer: "situation", decision: "explore" },
    ]);

    const explained = assessSituation(withUpdates(violated.state, expectIt("temperature", 25)), T0 + 500, options);
    expect(explained.state.mode).toBe("normal");
    expect(explained.state.violations).toEqual({});
    expect(actionsOf(explained.actions, "set_mode")).toEqual([{ kind: "set_mode", mode: "normal" }]);
    expect(decisionsOf(explained.actions).map((d) => [d.decision, d.rationale])).toEqual([
      ["violation_explained", "temperature explained: the expectation was updated to 25"],
      ["back_to_normal", "every violation is explained"],
    ]);
  });

  it("stays exploring until every violation is explained, including by the observation coming back", () => {
    const two = assessSituation(withUpdates(mind(), expectIt("a", 1), perceive("a", 2), expectIt("b", "on"), perceive("b", "off")), T0, options);
    expect(Object.keys(two.state.violations)).toEqual(["a", "b"]);
    expect(decisionsOf(two.actions).filter((d) => d.decision === "explore")).toHaveLength(1);

    const one = assessSituation(withUpdates(two.state, perceive("a", 1.0000001), perceive("b", "still off")), T0 + 500, options);
    expect(one.state.mode).toBe("exploring");
    expect(Object.keys(one.state.violations)).toEqual(["b"]);
    expect(one.state.violations["b"]).toMatchObject({ observed: "still off", since: T0 });
    expect(decisionsOf(one.actions)).toMatchObject([{ decision: "violation_explained", rationale: "a explained: the observation came back to 1.0000001" }]);
    expect(one.state.interrupts.supervision, "no new interrupt for a violation already known").toEqual(two.state.interrupts.supervision);

    const none = assessSituation(withUpdates(one.state, perceive("b", "on")), T0 + 1000, options);
    expect(none.state.mode).toBe("normal");
  });

  it("sees no violation without both an expectation and an observation", () => {
    const { state, actions } = assessSituation(withUpdates(mind(), perceive("x", 1), expectIt("y", 2)), T0, options);
    expect(state.violations).toEqual({});
    expect(state.mode).toBe("normal");
    expect(actions).toEqual([]);
  });

  it("does nothing while paused", () => {
    const paused: MindState = { ...withUpdates(mind(), perceive("x", 1)), run: "paused" };
    expect(assessSituation(paused, T0, options)).toEqual({ state: paused, actions: [] });
  });
});

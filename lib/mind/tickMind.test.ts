import { describe, expect, it } from "vitest";
import { parseEvent } from "../events/eventEnvelope";
import { seededRandomBytes } from "../events/ids";
import { createMind, enqueue } from "./createMind";
import { markRan, schedule } from "./scheduler";
import { actionsOf, decisionsOf, simulate, T0, TEST_SOUL } from "./testkit";
import { tickMind } from "./tickMind";
import type { MindAction, MindInput, MindState } from "./types";

const mind = (extra: Partial<Parameters<typeof createMind>[0]> = {}) => createMind({ soul: TEST_SOUL, budget: 1_000_000, ...extra });
const all = (sim: { actions: { action: MindAction }[] }) => sim.actions.map((a) => a.action);
const at = (sim: { actions: { at: number; action: MindAction }[] }, kind: MindAction["kind"]) =>
  sim.actions.filter((a) => a.action.kind === kind).map((a) => a.at - T0);

describe("scheduler", () => {
  it("runs each layer at its rate: in one second reflex 20 times, situation 2, supervision once", () => {
    const sim = simulate(mind(), T0, T0 + 1000);
    expect(sim.ran).toEqual({ reflex: 20, situation: 2, supervision: 1 });
    expect(sim.ticks).toBe(20);
    expect(sim.state.budget.spent).toBe(20 * 1 + 2 * 5 + 1 * 20);
  });

  it("keeps the rates over a minute, and per being", () => {
    expect(simulate(mind(), T0, T0 + 60_000).ran).toEqual({ reflex: 1200, situation: 120, supervision: 12 });
    expect(simulate(mind({ periods: { reflex: 100, situation: 250, supervision: 1000 } }), T0, T0 + 10_000).ran).toEqual({
      reflex: 100,
      situation: 40,
      supervision: 10,
    });
  });

  it("does not drift when woken late, and does not burst to catch up after a long sleep", () => {
    let state = markRan(mind(), "reflex", T0);
    state = markRan(state, "reflex", T0 + 57);
    expect(state.lastRunAt.reflex, "7 ms late keeps the 50 ms grid").toBe(T0 + 50);
    state = markRan(state, "reflex", T0 + 5_000);
    expect(state.lastRunAt.reflex, "far behind: restart from now").toBe(T0 + 5_000);
    state = markRan(markRan(state, "situation", T0 + 5_000), "supervision", T0 + 5_000);
    expect(schedule(state, T0 + 5_010)).toEqual({ due: { reflex: false, situation: false, supervision: false }, wakeAt: T0 + 5_050 });
  });

  it("takes the periods as a parameter", () => {
    const state = markRan(mind(), "supervision", T0);
    expect(schedule(state, T0 + 1000).due.supervision).toBe(false);
    expect(schedule(state, T0 + 1000, { reflex: 50, situation: 500, supervision: 1000 }).due.supervision).toBe(true);
  });

  it("sleeps until an input while paused or halted", () => {
    const paused = tickMind(enqueue(mind(), { kind: "command", command: "pause" }), T0, { randomBytes: seededRandomBytes(1) });
    expect(paused.state.run).toBe("paused");
    expect(paused.wakeAt).toBe(Infinity);
    const woken = enqueue(paused.state, { kind: "message", id: "m1", from: "master", text: "hi" });
    expect(schedule(woken, T0 + 10)).toEqual({ due: { reflex: true, situation: false, supervision: false }, wakeAt: T0 + 10 });
  });
});

describe("tickMind", () => {
  it("lets a message wake supervision before its tick: acknowledged, planned and answered within the same second", () => {
    const sim = simulate(mind(), T0, T0 + 4000, {
      inputs: [[T0 + 1234, { kind: "message", id: "m1", from: "room:lobby", text: "hello?" }]],
      operate: (op) => ({ delayMs: 300, result: { kind: "operation_result", id: op.id, status: "ok", value: { reply: "hello!" } } }),
    });
    expect(at(sim, "acknowledge")).toEqual([1234]);
    expect(at(sim, "start_operation"), "supervision ran at 1234, not at its 5 s tick").toEqual([1234]);
    expect(at(sim, "send_message"), "the result interrupts supervision too").toEqual([1534]);
    expect(sim.ran.supervision).toBe(3);
    expect(actionsOf(all(sim), "send_message")[0]).toMatchObject({ to: "room:lobby", text: "hello!", reply_to: "m1" });
  });

  it("goes from violation to exploration to explanation and back to normal", () => {
    const sim = simulate(mind(), T0, T0 + 3000, {
      inputs: [
        [T0 + 100, { kind: "expectation", key: "door", value: "closed" }],
        [T0 + 200, { kind: "perception", key: "door", value: "open" }],
        [T0 + 2100, { kind: "perception", key: "door", value: "open" }],
      ],
      operate: (op) =>
        op.kind === "explore"
          ? { delayMs: 700, result: { kind: "operation_result", id: op.id, status: "ok", value: { expectations: { door: "open" } } } }
          : null,
    });
    const modes = sim.actions.filter((a) => a.action.kind === "set_mode").map((a) => [a.at - T0, (a.action as { mode: string }).mode]);
    // The perception at 200 is seen at the situation tick at 500; the explanation arrives at 1200 and is checked at once.
    expect(modes).toEqual([
      [500, "exploring"],
      [1200, "normal"],
    ]);
    expect(at(sim, "start_operation"), "supervision interrupted at once by the violation").toEqual([500]);
    const story = decisionsOf(all(sim)).map((d) => `${d.layer}:${d.decision}`);
    expect(story).toEqual([
      "situation:expectation_violated",
      "situation:explore",
      "supervision:start_exploration",
      "supervision:adopt_explanation",
      "situation:violation_explained",
      "situation:back_to_normal",
    ]);
    expect(sim.state.world["door"]).toMatchObject({ expected: "open", observed: "open" });
  });

  it("halts when the budget runs out, sleeps, and wakes on a grant", () => {
    const sim = simulate(mind({ budget: 40 }), T0, T0 + 2000, { inputs: [[T0 + 1500, { kind: "budget_update", limit: 1000 }]] });
    // 26 Tiki at 0 (all three layers), then 1 per reflex tick: at 500 the situation tick cannot be paid.
    expect(at(sim, "halt")).toEqual([500]);
    expect(sim.state.run).toBe("running");
    expect(decisionsOf(all(sim)).map((d) => d.decision)).toEqual(["halt", "resume"]);
    expect(sim.ran.reflex, "0…500 every 50 ms, asleep, then 1500…1950").toBe(11 + 10);
  });

  it("times out a plan, cancels it, and ignores its late result (but still pays for it)", () => {
    const sim = simulate(mind({ goals: [{ id: "g", description: "think" }], planTimeoutMs: 1000, maxGoalAttempts: 1 }), T0, T0 + 3000, {
      operate: (op) => ({ delayMs: 1500, result: { kind: "operation_result", id: op.id, status: "ok", value: {}, tiki: 777 } }),
    });
    const ticks = sim.state.stats.ticks;
    expect(sim.state.budget.spent).toBe(ticks.reflex * 1 + ticks.situation * 5 + ticks.supervision * 20 + 100 + 777);
    expect(at(sim, "cancel_operation"), "timed out exactly at the deadline").toEqual([1000]);
    expect(decisionsOf(all(sim)).map((d) => d.decision)).toEqual(["start_plan", "react_to_failure", "abandon_goal", "ignore_result"]);
    expect(sim.state.stats).toMatchObject({ plans_ok: 0, plans_failed: 1, ignored_results: 1 });
  });

  it("emits only valid events, is reproducible from its seed, and keeps its state as plain JSON", () => {
    const inputs: [number, MindInput][] = [
      [T0 + 10, { kind: "goal", id: "g", description: "write a summary", priority: 3 }],
      [T0 + 20, { kind: "message", id: "m1", from: "master", text: "status?" }],
      [T0 + 30, { kind: "expectation", key: "load", value: 0.5 }],
      [T0 + 40, { kind: "perception", key: "load", value: 0.9 }],
      [T0 + 900, { kind: "perception", key: "load", value: 0.5 }],
    ];
    const run = () =>
      simulate(mind(), T0, T0 + 8000, {
        inputs,
        seed: 9,
        operate: (op, now) => ({ delayMs: 200 + (now % 7), result: { kind: "operation_result", id: op.id, status: "ok", value: { reply: "fine" } } }),
      });
    const a = run();
    const b = run();
    expect(a.actions).toEqual(b.actions);
    for (const { action } of a.actions) if (action.kind === "emit") expect(parseEvent(action.event).ok).toBe(true);
    expect(decisionsOf(all(a)).length).toBeGreaterThan(8);
    const state: MindState = a.state;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

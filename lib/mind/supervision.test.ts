import { describe, expect, it } from "vitest";
import { seededRandomBytes } from "../events/ids";
import { createMind, enqueue } from "./createMind";
import { reflex } from "./reflex";
import { planConfidence, successRate, supervise } from "./supervision";
import { actionsOf, decisionsOf, T0, TEST_SOUL } from "./testkit";
import type { MindInput, MindState } from "./types";

const options = { randomBytes: seededRandomBytes(31) };
const goals = [
  { id: "tidy", description: "tidy the notes", priority: 1 },
  { id: "learn", description: "learn about pgvector", priority: 5 },
  { id: "greet", description: "greet the room", priority: 1 },
];
const mind = (extra: Partial<Parameters<typeof createMind>[0]> = {}) => createMind({ soul: TEST_SOUL, budget: 10_000, goals, planTimeoutMs: 10_000, ...extra });
/** Delivers an operation result the way the runtime does: through the inbox and the reflex. */
const report = (state: MindState, at: number, result: Extract<MindInput, { kind: "operation_result" }>) => reflex(enqueue(state, result), at, options).state;

describe("supervision", () => {
  it("plans for the most important goal, naming the goals it passed over", () => {
    const { state, actions } = supervise(mind(), T0, options);
    const [start] = actionsOf(actions, "start_operation");
    expect(start!.operation).toEqual({
      id: "plan-1",
      kind: "plan",
      input: { goal: { id: "learn", description: "learn about pgvector", attempt: 1 } },
      timeout_ms: 10_000,
      deadline: T0 + 10_000,
    });
    expect(state.operations["plan-1"]).toMatchObject({ kind: "plan", goal_id: "learn", status: "pending", deadline: T0 + 10_000 });
    expect(state.goals.find((g) => g.id === "learn")!.status).toBe("active");
    expect(state.budget.spent).toBe(20 + 100);
    const [decision] = decisionsOf(actions);
    expect(decision).toMatchObject({
      layer: "supervision",
      decision: "start_plan",
      confidence: 0.5,
      alternatives: [
        { option: "tidy", reason: "lower priority (1 < 5)" },
        { option: "greet", reason: "lower priority (1 < 5)" },
      ],
    });
    expect(start!.trace).toEqual({ traceid: decision!.event.traceid, spanid: decision!.event.spanid });

    const again = supervise(state, T0 + 5000, options);
    expect(actionsOf(again.actions, "start_operation"), "one plan at a time").toEqual([]);
  });

  it("achieves a goal on success and tracks the success rate", () => {
    const started = supervise(mind(), T0, options).state;
    expect(successRate(started)).toBeNull();
    const done = supervise(report(started, T0 + 2000, { kind: "operation_result", id: "plan-1", status: "ok", value: {} }), T0 + 2000, options);
    expect(done.state.goals.map((g) => g.id)).toEqual(["tidy", "greet"]);
    expect(done.state.operations["plan-1"]).toBeUndefined();
    expect(decisionsOf(done.actions).map((d) => d.decision)).toEqual(["goal_achieved", "start_plan"]);
    expect(actionsOf(done.actions, "start_operation")[0]!.operation.input).toMatchObject({ goal: { id: "tidy" } });
    expect(successRate(done.state)).toBe(1);
    expect(planConfidence(done.state)).toBeCloseTo(2 / 3);
  });

  it("retries a failed goal and abandons it after the last attempt", () => {
    let state = mind({ goals: [goals[1]!], maxGoalAttempts: 2 });
    state = supervise(state, T0, options).state;
    const first = supervise(report(state, T0 + 100, { kind: "operation_result", id: "plan-1", status: "failed", error: "no model" }), T0 + 100, options);
    expect(decisionsOf(first.actions).map((d) => d.decision)).toEqual(["retry_goal", "start_plan"]);
    expect(first.state.goals[0]).toMatchObject({ id: "learn", status: "active", attempts: 1 });
    const second = supervise(report(first.state, T0 + 200, { kind: "operation_result", id: "plan-2", status: "failed" }), T0 + 200, options);
    expect(decisionsOf(second.actions)).toMatchObject([{ decision: "abandon_goal", rationale: expect.stringContaining("2 of 2 attempts used") }]);
    expect(actionsOf(second.actions, "notify")).toEqual([{ kind: "notify", level: "warning", text: 'gave up on "learn about pgvector" after 2 failed plans' }]);
    expect(second.state.goals).toEqual([]);
    expect(successRate(second.state)).toBe(0);
  });

  it("answers a message: a goal of top priority, a plan, and the reply in the same trace", () => {
    const trace = { traceid: "4bf92f3577b34da6a3ce929d0e0e4736", spanid: "00f067aa0ba902b7" };
    const heard = reflex(enqueue(mind(), { kind: "message", id: "m1", from: "room:lobby", text: "what is pgvector?", trace }), T0, options).state;
    const planning = supervise(heard, T0, options);
    const [start] = actionsOf(planning.actions, "start_operation");
    expect(start!.operation.input).toMatchObject({ goal: { id: "reply:m1", description: "answer room:lobby: what is pgvector?" } });
    expect(start!.trace.traceid).toBe(trace.traceid);

    const answered = supervise(
      report(planning.state, T0 + 3000, { kind: "operation_result", id: "plan-1", status: "ok", value: { reply: "A vector index for Postgres." } }),
      T0 + 3000,
      options,
    );
    expect(actionsOf(answered.actions, "send_message")).toEqual([
      { kind: "send_message", to: "room:lobby", text: "A vector index for Postgres.", reply_to: "m1", trace: start!.trace },
    ]);
  });

  it("treats an answer it cannot understand as a failure", () => {
    const heard = reflex(enqueue(mind({ goals: [] }), { kind: "message", id: "m1", from: "master", text: "hi" }), T0, options).state;
    const planning = supervise(heard, T0, options).state;
    const garbled = supervise(report(planning, T0 + 10, { kind: "operation_result", id: "plan-1", status: "ok", value: { reply: 42 } }), T0 + 10, options);
    expect(actionsOf(garbled.actions, "send_message")).toEqual([]);
    expect(decisionsOf(garbled.actions)[0]).toMatchObject({ decision: "retry_goal", rationale: expect.stringContaining("the result was not understood") });
    expect(garbled.state.stats.plans_failed).toBe(1);
  });

  it("while exploring asks for an explanation instead of a plan, and hands the explanation to the situation layer", () => {
    const exploring: MindState = { ...mind(), mode: "exploring", violations: { door: { key: "door", expected: "closed", observed: "open", since: T0 } } };
    const asked = supervise(exploring, T0, options);
    const [start] = actionsOf(asked.actions, "start_operation");
    expect(start!.operation).toMatchObject({
      id: "explore-1",
      kind: "explore",
      input: { violations: [{ key: "door", expected: "closed", observed: "open" }] },
    });
    expect(decisionsOf(asked.actions)[0]).toMatchObject({ decision: "start_exploration", alternatives: [{ option: "plan the next goal" }] });
    expect(Object.values(asked.state.operations).map((op) => op.kind)).toEqual(["explore"]);

    const told = supervise(
      report(asked.state, T0 + 100, { kind: "operation_result", id: "explore-1", status: "ok", value: { expectations: { door: "open" } } }),
      T0 + 100,
      options,
    );
    expect(told.state.updates).toEqual([{ kind: "expectation", key: "door", value: "open", at: T0 + 100 }]);
    expect(told.state.interrupts.situation).toEqual([{ reason: "world_update", ref: "explore-1", at: T0 + 100 }]);
  });

  it("respects the safety rules: a forbidden plan is not started", () => {
    const { state, actions } = supervise(mind({ safety: { forbidden: ["start_operation:plan"] } }), T0, options);
    expect(actionsOf(actions, "start_operation")).toEqual([]);
    expect(decisionsOf(actions)).toMatchObject([
      { layer: "reflex", decision: "block_action", rationale: "blocked start_operation: plan operations are forbidden for this being" },
    ]);
    expect(state.goals.every((g) => g.status === "pending")).toBe(true);
    expect(state.budget.spent).toBe(20);
  });

  it("halts instead of planning when the budget cannot pay for the plan", () => {
    const { state, actions } = supervise(mind({ budget: 50 }), T0, options);
    expect(state.run).toBe("halted");
    expect(actionsOf(actions, "halt")[0]!.reason).toMatch(/plan_operation costs 100 Tiki but only 30 of 50 remain/);
  });
});

import { describe, expect, it } from "vitest";
import { seededRandomBytes } from "../events/ids";
import { createMind, enqueue } from "./createMind";
import { reflex } from "./reflex";
import { actionsOf, decisionsOf, T0, TEST_SOUL } from "./testkit";
import type { MindInput, MindState, Operation } from "./types";

const options = { randomBytes: seededRandomBytes(11) };
const mind = (budget = 1_000, extra: Partial<Parameters<typeof createMind>[0]> = {}) => createMind({ soul: TEST_SOUL, budget, ...extra });
const withInputs = (state: MindState, ...inputs: MindInput[]) => inputs.reduce(enqueue, state);
const pendingPlan = (deadline: number): Operation => ({
  id: "plan-1",
  kind: "plan",
  goal_id: "g1",
  started_at: T0,
  deadline,
  status: "pending",
  trace: { traceid: "4bf92f3577b34da6a3ce929d0e0e4736", spanid: "00f067aa0ba902b7" },
});

describe("reflex", () => {
  it("pays one reflex tick per run", () => {
    const { state, actions } = reflex(mind(5), T0, options);
    expect(state.budget.spent).toBe(1);
    expect(state.stats.ticks.reflex).toBe(1);
    expect(actions).toEqual([]);
  });

  it("halts when the budget is exhausted, once, and resumes when the budget is raised", () => {
    const { state, actions } = reflex(mind(0), T0, options);
    expect(state.run).toBe("halted");
    expect(actionsOf(actions, "halt")).toEqual([
      { kind: "halt", reason: expect.stringMatching(/^budget exhausted: reflex_tick costs 1 Tiki but only 0 of 0 remain/) },
    ]);
    expect(decisionsOf(actions)).toMatchObject([{ layer: "reflex", decision: "halt", confidence: 1 }]);

    const again = reflex(state, T0 + 50, options);
    expect(again.actions).toEqual([]);
    expect(again.state.budget.spent).toBe(0);

    const raised = reflex(enqueue(again.state, { kind: "budget_update", limit: 100 }), T0 + 100, options);
    expect(raised.state.run).toBe("running");
    expect(decisionsOf(raised.actions)).toMatchObject([{ decision: "resume", rationale: expect.stringContaining("100 Tiki") }]);
  });

  it("acknowledges a message at once and interrupts supervision, continuing the message's trace", () => {
    const trace = { traceid: "4bf92f3577b34da6a3ce929d0e0e4736", spanid: "00f067aa0ba902b7" };
    const { state, actions } = reflex(withInputs(mind(), { kind: "message", id: "m1", from: "master", text: "hello", trace }), T0, options);
    expect(actionsOf(actions, "acknowledge")).toEqual([{ kind: "acknowledge", message_id: "m1", to: "master" }]);
    expect(state.interrupts.supervision).toEqual([{ reason: "message", ref: "m1", at: T0 }]);
    expect(state.unread).toHaveLength(1);
    expect(state.inbox).toEqual([]);
    const [decision] = decisionsOf(actions);
    expect(decision).toMatchObject({ layer: "reflex", decision: "take_message" });
    expect(decision!.event.traceid).toBe(trace.traceid);
    expect(decision!.event.parentspanid).toBe(trace.spanid);
  });

  it("reacts to a failed operation with a notice and an interrupt, and ignores results nobody waits for", () => {
    const start = { ...mind(), operations: { "plan-1": pendingPlan(T0 + 30_000) } };
    const { state, actions } = reflex(
      withInputs(
        start,
        { kind: "operation_result", id: "plan-1", status: "failed", error: "model crashed" },
        { kind: "operation_result", id: "plan-9", status: "ok" },
      ),
      T0,
      options,
    );
    expect(state.operations["plan-1"]).toMatchObject({ status: "failed", error: "model crashed" });
    expect(actionsOf(actions, "notify")).toEqual([{ kind: "notify", level: "warning", text: 'plan plan-1 failed: "model crashed"' }]);
    expect(state.interrupts.supervision).toEqual([{ reason: "operation", ref: "plan-1", at: T0 }]);
    expect(decisionsOf(actions).map((d) => d.decision)).toEqual(["react_to_failure", "ignore_result"]);
    expect(state.stats.ignored_results).toBe(1);
  });

  it("times out an operation at its deadline, cancels it, and ignores its late result", () => {
    const start = { ...mind(), operations: { "plan-1": pendingPlan(T0 + 1000) } };
    expect(reflex(start, T0 + 999, options).state.operations["plan-1"]!.status).toBe("pending");
    const expired = reflex(start, T0 + 1000, options);
    expect(expired.state.operations["plan-1"]).toMatchObject({ status: "timeout", error: "no result within 1000 ms" });
    expect(actionsOf(expired.actions, "cancel_operation")).toEqual([{ kind: "cancel_operation", id: "plan-1", reason: "no result within 1000 ms" }]);
    expect(expired.state.interrupts.supervision).toHaveLength(1);

    const late = reflex(enqueue(expired.state, { kind: "operation_result", id: "plan-1", status: "ok", value: { reply: "too late" } }), T0 + 1500, options);
    expect(late.state.operations["plan-1"]!.status).toBe("timeout");
    expect(late.state.stats.ignored_results).toBe(1);
    expect(decisionsOf(late.actions)).toMatchObject([
      { decision: "ignore_result", rationale: "operation plan-1 already ended (timeout); this late ok result is ignored" },
    ]);
  });

  it("blocks forbidden actions and more than the allowed actions per second", () => {
    const muted = reflex(
      withInputs(mind(1_000, { safety: { forbidden: ["acknowledge"] } }), { kind: "message", id: "m1", from: "master", text: "hi" }),
      T0,
      options,
    );
    expect(actionsOf(muted.actions, "acknowledge")).toEqual([]);
    expect(decisionsOf(muted.actions)[0]).toMatchObject({
      decision: "block_action",
      rationale: "blocked acknowledge: acknowledge is forbidden for this being",
    });
    expect(muted.state.unread).toHaveLength(1);

    const flood = Array.from({ length: 12 }, (_, i): MindInput => ({ kind: "message", id: `m${i}`, from: "room:lobby", text: "spam" }));
    const limited = reflex(withInputs(mind(1_000, { safety: { maxActionsPerSecond: 10 } }), ...flood), T0, options);
    expect(actionsOf(limited.actions, "acknowledge")).toHaveLength(10);
    expect(limited.state.stats.blocked_actions).toBe(2);
    const aSecondLater = reflex(withInputs(limited.state, { kind: "message", id: "m12", from: "room:lobby", text: "hi" }), T0 + 1000, options);
    expect(actionsOf(aSecondLater.actions, "acknowledge")).toHaveLength(1);
  });

  it("holds inputs while paused, obeys commands at once, and catches up on resume", () => {
    const paused = reflex(withInputs(mind(), { kind: "command", command: "pause" }, { kind: "message", id: "m1", from: "master", text: "hi" }), T0, options);
    expect(paused.state.run).toBe("paused");
    expect(paused.state.inbox).toHaveLength(1);
    expect(actionsOf(paused.actions, "acknowledge")).toEqual([]);
    const idle = reflex(paused.state, T0 + 50, options);
    expect(idle.state.budget.spent).toBe(paused.state.budget.spent);
    const resumed = reflex(enqueue(paused.state, { kind: "command", command: "resume" }), T0 + 100, options);
    expect(resumed.state.run).toBe("running");
    expect(resumed.state.inbox).toEqual([]);
    expect(actionsOf(resumed.actions, "acknowledge")).toHaveLength(1);
  });

  it("accepts goals, routes perceptions to the situation layer, and handles at most 100 inputs per tick", () => {
    const inputs = Array.from({ length: 150 }, (_, i): MindInput => ({ kind: "perception", key: `k${i}`, value: i }));
    const { state, actions } = reflex(withInputs(mind(), { kind: "goal", id: "g1", description: "tidy up", priority: 2 }, ...inputs), T0, options);
    expect(state.goals).toEqual([{ id: "g1", description: "tidy up", priority: 2, status: "pending", attempts: 0 }]);
    expect(decisionsOf(actions)).toMatchObject([{ decision: "accept_goal" }]);
    expect(state.updates).toHaveLength(99);
    expect(state.inbox).toHaveLength(51);
    expect(state.wake).toBe(false);
  });
});

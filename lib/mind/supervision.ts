/**
 * Supervision (M3.4), the slowest layer: turns messages into goals, settles finished
 * operations (a plan's result achieves its goal; a failure retries or abandons it), and
 * starts the next slow operation: a plan for the most important goal, or, while exploring,
 * an exploration of the violated expectations. One operation of each kind at a time.
 */
import { z } from "zod";
import type { TraceContext } from "../events/eventEnvelope";
import { jsonValueSchema } from "../events/eventKinds";
import type { Json, JsonObject } from "../jsonMergePatch";
import { MESSAGE_GOAL_PRIORITY } from "./constants";
import { beginTick, blocked, charge, countTick, decide, endTick, interrupt, push, quote, refuse, type Decision, type Tick, type TickOptions } from "./tick";
import type { Goal, LayerResult, MindState, Operation, OperationKind } from "./types";

/** What a reasoner's plan may answer (untrusted: parsed). Unknown keys are ignored. */
const planResultSchema = z.object({
  /** The answer to send, for a goal that replies to a message. */
  reply: z.string().max(16_000).optional(),
  /** New expectations about the world, for the situation layer to check. */
  expectations: z.record(z.string().min(1).max(200), jsonValueSchema).optional(),
});

/** One supervision tick as a pure function of (state, now). Does nothing unless the being is running. */
export function supervise(state: MindState, now: number, options?: TickOptions): LayerResult {
  const tick = beginTick(state, now, options);
  runSupervision(tick);
  return endTick(tick);
}

/** The share of settled plans that succeeded, or null before the first. */
export function successRate(state: MindState): number | null {
  const { plans_ok, plans_failed } = state.stats;
  return plans_ok + plans_failed === 0 ? null : plans_ok / (plans_ok + plans_failed);
}

/** How sure supervision is that a plan will work: the success rate with a Laplace prior (½ before any evidence). */
export function planConfidence(state: MindState): number {
  const { plans_ok, plans_failed } = state.stats;
  return (plans_ok + 1) / (plans_ok + plans_failed + 2);
}

/** The supervision tick on a tick in progress (used by tickMind). */
export function runSupervision(tick: Tick): void {
  if (tick.state.run !== "running") return;
  if (!charge(tick, { kind: "supervision_tick" })) return;
  countTick(tick, "supervision");
  tick.state = { ...tick.state, interrupts: { ...tick.state.interrupts, supervision: [] } };
  for (const op of Object.values(tick.state.operations)) if (op.status !== "pending") settle(tick, op);
  adoptMessages(tick);
  if (tick.state.mode === "exploring") explore(tick);
  else planNext(tick);
}

function stat(tick: Tick, key: "plans_ok" | "plans_failed"): void {
  tick.state = { ...tick.state, stats: { ...tick.state.stats, [key]: tick.state.stats[key] + 1 } };
}

function setGoals(tick: Tick, goals: readonly Goal[]): void {
  tick.state = { ...tick.state, goals };
}

/** Queues new expectations for the situation layer and wakes it. */
function queueExpectations(tick: Tick, expectations: Record<string, Json>, ref: string): void {
  const updates = Object.entries(expectations).map(([key, value]) => ({ kind: "expectation" as const, key, value, at: tick.now }));
  if (updates.length === 0) return;
  tick.state = { ...tick.state, updates: [...tick.state.updates, ...updates] };
  interrupt(tick, "situation", "world_update", ref);
}

function settle(tick: Tick, op: Operation): void {
  const { [op.id]: _done, ...operations } = tick.state.operations;
  tick.state = { ...tick.state, operations };
  const parsed = op.status === "ok" ? planResultSchema.safeParse(op.value ?? {}) : null;
  const failure =
    op.status !== "ok" ? (op.error ?? op.status) : parsed && !parsed.success ? `the result was not understood: ${parsed.error.issues[0]?.message}` : null;
  const result = parsed?.success ? parsed.data : {};

  if (op.kind === "explore") {
    if (failure !== null) {
      decide(tick, {
        layer: "supervision",
        decision: "exploration_failed",
        subject: op.id,
        rationale: `${quote(failure)}; will explore again`,
        confidence: 1,
        trace: op.trace,
      });
      return;
    }
    const keys = Object.keys(result.expectations ?? {});
    queueExpectations(tick, result.expectations ?? {}, op.id);
    const rationale = keys.length > 0 ? `revised expectations for ${keys.join(", ")}` : "no explanation found; will explore again";
    decide(tick, { layer: "supervision", decision: "adopt_explanation", subject: op.id, rationale, confidence: keys.length > 0 ? 0.8 : 0.2, trace: op.trace });
    return;
  }

  const goal = tick.state.goals.find((g) => g.id === op.goal_id);
  let problem = failure;
  if (problem === null && goal?.reply) {
    const why = blocked(tick, { kind: "send_message" });
    if (result.reply === undefined) problem = "the plan gave no reply to send";
    else if (why !== null) {
      refuse(tick, "send_message", why, op.trace);
      problem = `the reply could not be sent: ${why}`;
    }
  }
  if (problem === null) {
    stat(tick, "plans_ok");
    setGoals(
      tick,
      tick.state.goals.filter((g) => g.id !== op.goal_id),
    );
    if (goal?.reply && result.reply !== undefined) {
      push(tick, { kind: "send_message", to: goal.reply.to, text: result.reply, reply_to: goal.reply.message_id, trace: op.trace });
    }
    if (result.expectations) queueExpectations(tick, result.expectations, op.id);
    decide(tick, {
      layer: "supervision",
      decision: "goal_achieved",
      subject: op.goal_id,
      rationale: `plan ${op.id} succeeded for ${goal?.description ?? op.goal_id}`,
      confidence: 1,
      trace: op.trace,
    });
    return;
  }
  stat(tick, "plans_failed");
  if (!goal) return;
  const attempts = goal.attempts + 1;
  const max = tick.state.config.maxGoalAttempts;
  if (attempts >= max) {
    setGoals(
      tick,
      tick.state.goals.filter((g) => g.id !== goal.id),
    );
    push(tick, { kind: "notify", level: "warning", text: `gave up on "${goal.description}" after ${attempts} failed plans` });
    decide(tick, {
      layer: "supervision",
      decision: "abandon_goal",
      subject: goal.id,
      rationale: `plan ${op.id} failed (${quote(problem)}); ${attempts} of ${max} attempts used`,
      confidence: 1,
      trace: op.trace,
    });
  } else {
    setGoals(
      tick,
      tick.state.goals.map((g) => (g.id === goal.id ? { ...g, status: "pending", attempts } : g)),
    );
    decide(tick, {
      layer: "supervision",
      decision: "retry_goal",
      subject: goal.id,
      rationale: `plan ${op.id} failed (${quote(problem)}); attempt ${attempts} of ${max}, will plan again`,
      confidence: planConfidence(tick.state),
      trace: op.trace,
    });
  }
}

/** Every acknowledged message becomes a goal: answer it. */
function adoptMessages(tick: Tick): void {
  if (tick.state.unread.length === 0) return;
  const goals = tick.state.unread.map((m): Goal => ({
    id: `reply:${m.id}`,
    description: `answer ${m.from}: ${m.text}`,
    priority: MESSAGE_GOAL_PRIORITY,
    status: "pending",
    attempts: 0,
    reply: { to: m.from, message_id: m.id },
    trace: m.trace,
  }));
  const known = new Set(tick.state.goals.map((g) => g.id));
  setGoals(tick, [...tick.state.goals, ...goals.filter((g) => !known.has(g.id))]);
  tick.state = { ...tick.state, unread: [] };
}

function inFlight(state: MindState, kind: OperationKind): boolean {
  return Object.values(state.operations).some((op) => op.kind === kind && op.status === "pending");
}

/** Starts an operation if the rules and the budget allow; answers whether it started. */
function start(tick: Tick, kind: OperationKind, input: JsonObject, reason: Omit<Decision, "layer" | "decision" | "subject">, goalId?: string): boolean {
  const id = `${kind}-${tick.state.seq + 1}`;
  const timeout = kind === "plan" ? tick.state.config.planTimeoutMs : tick.state.config.exploreTimeoutMs;
  const operation = { id, kind, input, timeout_ms: timeout, deadline: tick.now + timeout };
  const why = blocked(tick, { kind: "start_operation", operation });
  if (why !== null) {
    refuse(tick, "start_operation", why, reason.trace);
    return false;
  }
  if (!charge(tick, { kind: "plan_operation" })) return false;
  const trace: TraceContext = decide(tick, {
    ...reason,
    layer: "supervision",
    decision: kind === "plan" ? "start_plan" : "start_exploration",
    subject: goalId ?? id,
  });
  const op: Operation = {
    id,
    kind,
    started_at: tick.now,
    deadline: operation.deadline,
    status: "pending",
    trace,
    ...(goalId !== undefined && { goal_id: goalId }),
  };
  tick.state = { ...tick.state, seq: tick.state.seq + 1, operations: { ...tick.state.operations, [id]: op } };
  push(tick, { kind: "start_operation", operation, trace });
  return true;
}

/** While exploring: ask for an explanation of what is violated. Plans wait. */
function explore(tick: Tick): void {
  const violations = Object.values(tick.state.violations);
  // NOTE: an explanation already queued for the situation layer is checked first; exploring again now would ask twice.
  if (violations.length === 0 || inFlight(tick.state, "explore") || tick.state.updates.length > 0) return;
  const input = { violations: violations.map((v) => ({ key: v.key, expected: v.expected, observed: v.observed })) };
  start(tick, "explore", input, {
    rationale: `expectations fail for ${violations.map((v) => v.key).join(", ")}; asking for an explanation before any new plan`,
    alternatives: [{ option: "plan the next goal", reason: "plans wait until the world model is consistent again" }],
    confidence: 1,
  });
}

/** In normal mode: plan for the most important pending goal (highest priority, then oldest). */
function planNext(tick: Tick): void {
  if (inFlight(tick.state, "plan")) return;
  const pending = tick.state.goals.filter((g) => g.status === "pending");
  const [goal, ...rest] = [...pending].sort((a, b) => b.priority - a.priority);
  if (!goal) return;
  const alternatives = rest.slice(0, 5).map((g) => ({
    option: g.id,
    reason: g.priority < goal.priority ? `lower priority (${g.priority} < ${goal.priority})` : "same priority, queued later",
  }));
  const started = start(
    tick,
    "plan",
    { goal: { id: goal.id, description: goal.description, attempt: goal.attempts + 1 } },
    {
      rationale: `planning for ${goal.id} (priority ${goal.priority}): ${goal.description}`,
      alternatives,
      confidence: planConfidence(tick.state),
      trace: goal.trace,
    },
    goal.id,
  );
  if (started)
    setGoals(
      tick,
      tick.state.goals.map((g) => (g.id === goal.id ? { ...g, status: "active" } : g)),
    );
}

/**
 * The reflex layer (M3.4), the fastest: pays for the tick or halts, obeys commands, takes
 * inputs from the inbox, reacts at once to messages and failures (and wakes supervision
 * without waiting for its tick), and notices operations that ran past their deadline.
 */
import { costOf, recordSpent, remaining, withLimit } from "../tiki";
import { MAX_INPUTS_PER_REFLEX_TICK } from "./constants";
import { beginTick, charge, countTick, decide, endTick, interrupt, permit, push, quote, type Tick, type TickOptions } from "./tick";
import type { LayerResult, MindInput, MindState, Operation } from "./types";

/** Inputs the reflex handles even while paused or halted: they are how a being is woken. */
const CONTROL: ReadonlySet<MindInput["kind"]> = new Set(["command", "budget_update", "goal"]);

/** One reflex tick as a pure function of (state, now). */
export function reflex(state: MindState, now: number, options?: TickOptions): LayerResult {
  const tick = beginTick(state, now, options);
  runReflex(tick);
  return endTick(tick);
}

/** The reflex tick on a tick in progress (used by tickMind). */
export function runReflex(tick: Tick): void {
  if (tick.state.run === "running") {
    if (charge(tick, { kind: "reflex_tick" })) countTick(tick, "reflex");
  }
  let handled = 0;
  let queue = tick.state.inbox;
  let held: MindInput[];
  for (;;) {
    const wasRunning = tick.state.run === "running";
    held = [];
    for (const input of queue) {
      const canHandle = tick.state.run === "running" || CONTROL.has(input.kind);
      if (!canHandle || handled >= MAX_INPUTS_PER_REFLEX_TICK) {
        held.push(input);
        continue;
      }
      handled++;
      handle(tick, input);
    }
    // NOTE: a resume (or a budget grant) in this batch: what it held back is handled now, in order, not a tick later.
    if (wasRunning || tick.state.run !== "running" || held.length === 0) break;
    queue = held;
  }
  tick.state = { ...tick.state, inbox: held, wake: false };
  if (tick.state.run === "running") expireOperations(tick);
}

function handle(tick: Tick, input: MindInput): void {
  switch (input.kind) {
    case "message": {
      const acknowledged = permit(tick, { kind: "acknowledge", message_id: input.id, to: input.from }, input.trace);
      const trace = decide(tick, {
        layer: "reflex",
        decision: "take_message",
        subject: input.id,
        rationale: `message ${input.id} from ${input.from}${acknowledged ? " acknowledged" : ""}; supervision woken to answer it`,
        confidence: 1,
        trace: input.trace,
      });
      tick.state = { ...tick.state, unread: [...tick.state.unread, { ...input, trace: input.trace ?? trace }] };
      interrupt(tick, "supervision", "message", input.id);
      return;
    }
    case "perception":
    case "expectation":
      tick.state = { ...tick.state, updates: [...tick.state.updates, { kind: input.kind, key: input.key, value: input.value, at: tick.now }] };
      return;
    case "operation_result":
      settle(tick, input);
      return;
    case "budget_update": {
      tick.state = { ...tick.state, budget: withLimit(tick.state.budget, input.limit) };
      const left = remaining(tick.state.budget);
      const canRun = left >= costOf({ kind: "reflex_tick" }).tiki;
      if (tick.state.run === "halted" && canRun) {
        tick.state = { ...tick.state, run: "running" };
        decide(tick, { layer: "reflex", decision: "resume", rationale: `budget raised to ${input.limit} Tiki (${left} left): running again`, confidence: 1 });
      } else {
        decide(tick, { layer: "reflex", decision: "set_budget", rationale: `budget set to ${input.limit} Tiki (${left} left)`, confidence: 1 });
      }
      return;
    }
    case "command":
      command(tick, input.command);
      return;
    case "goal": {
      if (tick.state.goals.some((goal) => goal.id === input.id)) return;
      const goal = { id: input.id, description: input.description, priority: input.priority ?? 0, status: "pending" as const, attempts: 0 };
      tick.state = { ...tick.state, goals: [...tick.state.goals, goal] };
      decide(tick, {
        layer: "reflex",
        decision: "accept_goal",
        subject: input.id,
        rationale: `new goal ${input.id} (priority ${goal.priority}): ${input.description}`,
        confidence: 1,
      });
      return;
    }
  }
}

function command(tick: Tick, command: "pause" | "resume"): void {
  const { run } = tick.state;
  if (command === "pause" && run === "running") {
    tick.state = { ...tick.state, run: "paused" };
    decide(tick, { layer: "reflex", decision: "pause", rationale: "paused by command; inputs other than commands wait in the inbox", confidence: 1 });
  } else if (command === "resume" && run === "paused") {
    tick.state = { ...tick.state, run: "running" };
    decide(tick, { layer: "reflex", decision: "resume", rationale: "resumed by command", confidence: 1 });
  } else if (command === "resume" && run === "halted") {
    const left = remaining(tick.state.budget);
    if (left >= costOf({ kind: "reflex_tick" }).tiki) {
      tick.state = { ...tick.state, run: "running" };
      decide(tick, { layer: "reflex", decision: "resume", rationale: `resumed by command with ${left} Tiki left`, confidence: 1 });
    } else {
      decide(tick, { layer: "reflex", decision: "stay_halted", rationale: "cannot resume: the budget is exhausted; raise it first", confidence: 1 });
    }
  }
}

/** Matches a result to its operation; a result for an unknown or already settled operation is ignored (and recorded). */
function settle(tick: Tick, input: Extract<MindInput, { kind: "operation_result" }>): void {
  // NOTE: the work was done and paid for whatever happens to its result; past the limit, the next tick halts.
  if (input.tiki) tick.state = { ...tick.state, budget: recordSpent(tick.state.budget, input.tiki) };
  const op = tick.state.operations[input.id];
  if (!op || op.status !== "pending") {
    const { stats } = tick.state;
    tick.state = { ...tick.state, stats: { ...stats, ignored_results: stats.ignored_results + 1 } };
    const why = op ? `operation ${input.id} already ended (${op.status})` : `no operation ${input.id} is in flight`;
    decide(tick, {
      layer: "reflex",
      decision: "ignore_result",
      subject: input.id,
      rationale: `${why}; this late ${input.status} result is ignored`,
      confidence: 1,
      trace: op?.trace,
    });
    return;
  }
  const error = input.error ?? (input.status === "ok" ? undefined : `the operation reported ${input.status}`);
  const next: Operation = {
    ...op,
    status: input.status,
    ...(input.value !== undefined && { value: input.value }),
    ...(error !== undefined && { error }),
  };
  tick.state = { ...tick.state, operations: { ...tick.state.operations, [op.id]: next } };
  interrupt(tick, "supervision", "operation", op.id);
  if (input.status !== "ok") react(tick, next, `${op.kind} ${op.id} ${input.status === "timeout" ? "timed out" : "failed"}: ${quote(error)}`);
}

/** Marks operations past their deadline as timed out, and asks the runtime to abort them. */
function expireOperations(tick: Tick): void {
  for (const op of Object.values(tick.state.operations)) {
    if (op.status !== "pending" || tick.now < op.deadline) continue;
    const error = `no result within ${op.deadline - op.started_at} ms`;
    const next: Operation = { ...op, status: "timeout", error };
    tick.state = { ...tick.state, operations: { ...tick.state.operations, [op.id]: next } };
    push(tick, { kind: "cancel_operation", id: op.id, reason: error });
    interrupt(tick, "supervision", "operation", op.id);
    react(tick, next, `${op.kind} ${op.id} timed out: ${error}; cancelled, and any later result will be ignored`);
  }
}

/** The immediate reaction to a failure: tell the user, record it, supervision already woken. */
function react(tick: Tick, op: Operation, text: string): void {
  push(tick, { kind: "notify", level: "warning", text });
  decide(tick, {
    layer: "reflex",
    decision: "react_to_failure",
    subject: op.id,
    rationale: `${text}; supervision woken to re-plan`,
    confidence: 1,
    trace: op.trace,
  });
}

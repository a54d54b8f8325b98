/**
 * The working space of one pure tick: the state as it evolves and the actions so far. Local
 * mutation inside a pure function; callers only ever see a new state. Every helper here that
 * decides something also records it as a `being.decision` event.
 */
import { createEvent } from "../events/createEvent";
import { traceOf, type TraceContext } from "../events/eventEnvelope";
import type { DecisionData, MindLayer } from "../events/eventKinds";
import { cryptoRandomBytes, type RandomBytes } from "../events/ids";
import { costOf, spend, type TikiStep } from "../tiki";
import { MAX_RATIONALE_LENGTH } from "../events/constants";
import { RATIONALE_QUOTE_CHARS } from "./constants";
import { isOutward, recentActions, safetyViolation, type SafetyProbe } from "./safety";
import type { Interrupt, InterruptReason, LayerResult, MindAction, MindState } from "./types";

/** What a tick may be given besides (state, now): the randomness for event ids. Tests pass a seeded source. */
export interface TickOptions {
  readonly randomBytes?: RandomBytes | undefined;
}

export interface Tick {
  state: MindState;
  readonly actions: MindAction[];
  readonly now: number;
  readonly randomBytes: RandomBytes;
}

export function beginTick(state: MindState, now: number, options: TickOptions = {}): Tick {
  return { state, actions: [], now, randomBytes: options.randomBytes ?? cryptoRandomBytes };
}

export function endTick(tick: Tick): LayerResult {
  return { state: tick.state, actions: tick.actions };
}

export interface Decision {
  readonly layer: MindLayer;
  readonly decision: string;
  readonly rationale: string;
  readonly confidence: number;
  readonly alternatives?: DecisionData["alternatives"];
  readonly subject?: string | undefined;
  /** What caused it; the event becomes a child span. Absent: a new trace. */
  readonly trace?: TraceContext | undefined;
}

/** Records a decision as a `being.decision` event; returns its trace position for what follows from it. */
export function decide(tick: Tick, d: Decision): TraceContext {
  const event = createEvent({
    type: "being.decision",
    source: tick.state.soul,
    branch: tick.state.branch,
    subject: d.subject,
    // NOTE: rationales quote errors and values; cut here so a long one can never make the event invalid.
    data: {
      layer: d.layer,
      decision: d.decision,
      rationale: d.rationale.slice(0, MAX_RATIONALE_LENGTH),
      alternatives: d.alternatives ?? [],
      confidence: d.confidence,
    },
    trace: d.trace,
    now: () => new Date(tick.now),
    randomBytes: tick.randomBytes,
  });
  tick.actions.push({ kind: "emit", event });
  return traceOf(event);
}

/** Stops the being: the reflex's last word when the budget is gone. */
export function halt(tick: Tick, reason: string, trace?: TraceContext): void {
  tick.state = { ...tick.state, run: "halted" };
  tick.actions.push({ kind: "halt", reason });
  decide(tick, { layer: "reflex", decision: "halt", rationale: reason, confidence: 1, trace });
}

/** Pays for a step from the being's budget; when it cannot, halts the being and answers false. */
export function charge(tick: Tick, step: TikiStep): boolean {
  const paid = spend(tick.state.budget, costOf(step));
  if (paid.ok) {
    tick.state = { ...tick.state, budget: paid.value };
    return true;
  }
  halt(tick, `budget exhausted: ${paid.error.message}`);
  return false;
}

/** Why the safety rules block an action now, or null. */
export function blocked(tick: Tick, action: SafetyProbe): string | null {
  return safetyViolation(tick.state, action, tick.now);
}

/** Carries out an action the rules allow (check with `blocked` first, or use `permit`). */
export function push(tick: Tick, action: MindAction): void {
  if (isOutward(action)) tick.state = { ...tick.state, recentActions: [...recentActions(tick.state, tick.now), tick.now] };
  tick.actions.push(action);
}

/** Carries out an action if the safety rules allow it; otherwise records the refusal. Answers whether it went out. */
export function permit(tick: Tick, action: MindAction, trace?: TraceContext): boolean {
  const reason = blocked(tick, action);
  if (reason === null) {
    push(tick, action);
    return true;
  }
  refuse(tick, action.kind, reason, trace);
  return false;
}

/** Records that the safety rules stopped an action. */
export function refuse(tick: Tick, kind: MindAction["kind"], reason: string, trace?: TraceContext): void {
  tick.state = { ...tick.state, stats: { ...tick.state.stats, blocked_actions: tick.state.stats.blocked_actions + 1 } };
  decide(tick, { layer: "reflex", decision: "block_action", rationale: `blocked ${kind}: ${reason}`, confidence: 1, trace });
}

/** Wakes an upper layer now instead of at its next tick. */
export function interrupt(tick: Tick, layer: "situation" | "supervision", reason: InterruptReason, ref: string): void {
  const entry: Interrupt = { reason, ref, at: tick.now };
  tick.state = { ...tick.state, interrupts: { ...tick.state.interrupts, [layer]: [...tick.state.interrupts[layer], entry] } };
}

/** Counts a layer's tick. */
export function countTick(tick: Tick, layer: MindLayer): void {
  const { stats } = tick.state;
  tick.state = { ...tick.state, stats: { ...stats, ticks: { ...stats.ticks, [layer]: stats.ticks[layer] + 1 } } };
}

/** A JSON value quoted for a rationale, cut short. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > RATIONALE_QUOTE_CHARS ? `${text.slice(0, RATIONALE_QUOTE_CHARS)}…` : text;
}

/** The reflex's hard rules (override order: safety > swarm consensus > mission). Pure checks on one proposed action. */
import type { MindAction, MindState } from "./types";

/** Actions that leave the being and therefore count against the rate rule. */
const OUTWARD: ReadonlySet<MindAction["kind"]> = new Set(["send_message", "acknowledge", "start_operation"]);
const WINDOW_MS = 1000;

/** Whether an action leaves the being (and so is rate-limited). */
export function isOutward(action: SafetyProbe): boolean {
  return OUTWARD.has(action.kind);
}

/** What the rules look at: the action's kind and, for an operation, the operation's kind. */
export type SafetyProbe = { readonly kind: MindAction["kind"]; readonly operation?: { readonly kind: string } };

/** Why the rules block `action` at `now`, or null when it may go. */
export function safetyViolation(state: MindState, action: SafetyProbe, now: number): string | null {
  // NOTE: only what leaves the being is ruled; the flight recorder, the brake, mode changes,
  // notices and cancellations are the being's own bookkeeping and always go.
  if (!isOutward(action)) return null;
  const { forbidden, maxActionsPerSecond } = state.config.safety;
  if (forbidden.includes(action.kind)) return `${action.kind} is forbidden for this being`;
  if (action.operation && forbidden.includes(`${action.kind}:${action.operation.kind}`)) {
    return `${action.operation.kind} operations are forbidden for this being`;
  }
  if (recentActions(state, now).length >= maxActionsPerSecond) {
    return `already ${maxActionsPerSecond} outward actions in the last second, the most this being may do`;
  }
  return null;
}

/** The outward actions still inside the rolling one-second window. */
export function recentActions(state: MindState, now: number): readonly number[] {
  return state.recentActions.filter((at) => now - at < WINDOW_MS);
}

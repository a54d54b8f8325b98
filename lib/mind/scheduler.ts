/**
 * When each layer runs. Each layer has its period; a layer is due when its period has passed
 * since its last slot, and at once when a lower layer interrupted it. The reflex is also due
 * at once when an input arrived or an operation's deadline passed. No timers here: the
 * runtime sleeps until `wakeAt`, or until the next input.
 */
import type { MindLayer, MindState } from "./types";

export interface Schedule {
  readonly due: Readonly<Record<MindLayer, boolean>>;
  /** When to call tickMind next if no input arrives first: `now` if something is due, Infinity while paused or halted. */
  readonly wakeAt: number;
}

export const LAYERS: readonly MindLayer[] = ["reflex", "situation", "supervision"];

function nextSlot(state: MindState, layer: MindLayer, periods: Readonly<Record<MindLayer, number>>): number {
  const last = state.lastRunAt[layer];
  return last === null ? -Infinity : last + periods[layer];
}

/** Which layers are due at `now`, and when the mind next needs waking. */
export function schedule(state: MindState, now: number, periods: Readonly<Record<MindLayer, number>> = state.config.periods): Schedule {
  const running = state.run === "running";
  const pending = running ? Object.values(state.operations).filter((op) => op.status === "pending") : [];
  const due = {
    reflex: state.wake || (running && (now >= nextSlot(state, "reflex", periods) || pending.some((op) => now >= op.deadline))),
    situation: running && (now >= nextSlot(state, "situation", periods) || state.interrupts.situation.length > 0),
    supervision: running && (now >= nextSlot(state, "supervision", periods) || state.interrupts.supervision.length > 0),
  };
  if (due.reflex || due.situation || due.supervision) return { due, wakeAt: now };
  if (!running) return { due, wakeAt: Infinity };
  const wakeAt = Math.min(...LAYERS.map((layer) => nextSlot(state, layer, periods)), ...pending.map((op) => op.deadline));
  return { due, wakeAt };
}

/**
 * Records that `layer` ran at `now`. On time, it keeps its cadence (the slot, not the late
 * wake-up, so the rate does not drift); woken early by an interrupt, or more than a whole
 * period late, its cadence restarts from `now` (no burst of catch-up ticks).
 */
export function markRan(state: MindState, layer: MindLayer, now: number, periods: Readonly<Record<MindLayer, number>> = state.config.periods): MindState {
  const slot = nextSlot(state, layer, periods);
  const onTime = now >= slot && now - slot < periods[layer];
  return { ...state, lastRunAt: { ...state.lastRunAt, [layer]: onTime ? slot : now } };
}

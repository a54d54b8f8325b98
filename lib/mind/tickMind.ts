import { runReflex } from "./reflex";
import { LAYERS, markRan, schedule } from "./scheduler";
import { runSituation } from "./situation";
import { runSupervision } from "./supervision";
import { beginTick, endTick, type Tick, type TickOptions } from "./tick";
import type { LayerResult, MindLayer, MindState } from "./types";

export interface MindTick extends LayerResult {
  /** The layers that ran, in order. */
  readonly ran: readonly MindLayer[];
  /** When to call tickMind next if no input arrives first (Infinity: only an input wakes it). */
  readonly wakeAt: number;
}

const RUN: Readonly<Record<MindLayer, (tick: Tick) => void>> = { reflex: runReflex, situation: runSituation, supervision: runSupervision };

/**
 * One step of a being's mind at `now`: runs the layers that are due, lowest first, then
 * says when to wake next. Pure: no timers, no I/O; the runtime executes the actions.
 *
 * @example
 * let mind = createMind({ soul, budget: 10_000 });
 * mind = enqueue(mind, { kind: "message", id: "m1", from: "master", text: "hello" });
 * const { state, actions, wakeAt } = tickMind(mind, Date.now()); // acknowledge, decide, start a plan…
 */
export function tickMind(state: MindState, now: number, options?: TickOptions): MindTick {
  const tick = beginTick(state, now, options);
  const ran: MindLayer[] = [];
  for (const layer of LAYERS) {
    // NOTE: asked again after each layer: an interrupt raised by a lower layer makes the upper one due now.
    if (!schedule(tick.state, now).due[layer]) continue;
    RUN[layer](tick);
    tick.state = markRan(tick.state, layer, now);
    ran.push(layer);
  }
  return { ...endTick(tick), ran, wakeAt: schedule(tick.state, now).wakeAt };
}

/**
 * Test support for minds: a fake-clock simulation loop that plays the runtime's part
 * (deliver inputs at their time, tick when due, collect actions, answer operations).
 * Used by the unit tests here and usable by the runtime's own tests; never by production code.
 */
import type { EventEnvelope } from "../events/eventEnvelope";
import type { DecisionData } from "../events/eventKinds";
import { seededRandomBytes } from "../events/ids";
import { enqueue } from "./createMind";
import { tickMind } from "./tickMind";
import type { MindAction, MindInput, MindLayer, MindState } from "./types";

export const TEST_SOUL = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export interface SimulationOptions {
  /** Inputs to deliver, at absolute times. */
  readonly inputs?: readonly (readonly [at: number, input: MindInput])[];
  /** Plays the reasoner: called for each started operation; answer with a result and a delay, or null to never answer. */
  readonly operate?: (op: Extract<MindAction, { kind: "start_operation" }>["operation"], at: number) => { delayMs: number; result: MindInput } | null;
  readonly seed?: number;
}

export interface Simulation {
  state: MindState;
  readonly actions: { at: number; action: MindAction }[];
  readonly ran: Record<MindLayer, number>;
  readonly ticks: number;
}

/** Runs a mind on a fake clock from `from` until just before `to`, like the runtime would. */
export function simulate(initial: MindState, from: number, to: number, options: SimulationOptions = {}): Simulation {
  const randomBytes = seededRandomBytes(options.seed ?? 1);
  const queue = [...(options.inputs ?? [])].map(([at, input]) => ({ at, input }));
  const sim: Simulation = { state: initial, actions: [], ran: { reflex: 0, situation: 0, supervision: 0 }, ticks: 0 };
  let now = from;
  let sameInstant = 0;
  while (now < to) {
    queue.sort((a, b) => a.at - b.at);
    while (queue.length > 0 && queue[0]!.at <= now) sim.state = enqueue(sim.state, queue.shift()!.input);
    const step = tickMind(sim.state, now, { randomBytes });
    (sim as { ticks: number }).ticks++;
    sim.state = step.state;
    for (const layer of step.ran) sim.ran[layer]++;
    for (const action of step.actions) {
      sim.actions.push({ at: now, action });
      if (action.kind === "start_operation" && options.operate) {
        const answer = options.operate(action.operation, now);
        if (answer) queue.push({ at: now + answer.delayMs, input: answer.result });
      }
    }
    const nextInput = queue.length > 0 ? Math.min(...queue.map((q) => q.at)) : Infinity;
    const next = Math.max(now, Math.min(step.wakeAt, nextInput));
    if (next === Infinity) break;
    sameInstant = next === now ? sameInstant + 1 : 0;
    if (sameInstant > 10) throw new Error(`the mind keeps asking to be woken at ${now}: a busy loop`);
    now = next;
  }
  return sim;
}

/** The decisions among some actions, in order. */
export function decisionsOf(actions: readonly MindAction[]): (DecisionData & { event: EventEnvelope<"being.decision"> })[] {
  return actions.flatMap((a) => (a.kind === "emit" ? [{ ...a.event.data, event: a.event }] : []));
}

/** The actions of one kind. */
export function actionsOf<K extends MindAction["kind"]>(actions: readonly MindAction[], kind: K): Extract<MindAction, { kind: K }>[] {
  return actions.filter((a): a is Extract<MindAction, { kind: K }> => a.kind === kind);
}

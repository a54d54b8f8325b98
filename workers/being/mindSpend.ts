/**
 * A mind's Tiki on their way to the master's ledger: what its budget says it spent (reflex, situation and
 * supervision ticks, plans alike) is booked into the micro-world's `spend` table when the mind is saved, in
 * the same transaction, summed per window into one `mind` entry; a plan's reasoner call is booked apart,
 * under `plan:<operation id>` with the reasoner that made it. A 20 Hz mind thus costs one row a minute.
 */
import { MAIN_BRANCH } from "../../lib/constants";
import { SPEND_WINDOW_MS } from "./constants";
import type { Usage } from "../../lib/reason";
import type { MicroWorld } from "./microWorld";

/** The task a mind's own ticks are booked to. */
export const MIND_TASK = "mind";

export class MindSpend {
  /**
   * @param booked the mind's `budget.spent` already in the ledger's way: the restored snapshot's, since the
   *   snapshot and its spend are written in one transaction.
   */
  constructor(
    private booked: number,
    private readonly branch: string = MAIN_BRANCH,
  ) {}

  /**
   * Books what the mind spent since the last call into the open window of `now`. Call it inside the
   * transaction that saves the mind: a crash then loses both or neither.
   */
  book(world: MicroWorld, spent: number, now: number): void {
    const delta = Math.floor(spent - this.booked);
    // NOTE: a plan booked apart may be ahead of the mind, which hears of its Tiki a tick later; nothing is booked twice.
    if (delta <= 0) return;
    world.addSpend({ branch: this.branch, task: MIND_TASK, kind: "mind", tiki: delta }, now, SPEND_WINDOW_MS);
    this.booked += delta;
  }

  /** A plan's reasoner call: its own entry, counted as booked so the mind's next {@link book} does not book it again. */
  bookPlan(world: MicroWorld, operation: string, usage: Usage, reasoner: string): void {
    if (usage.tiki <= 0) return;
    world.recordSpend({
      branch: this.branch,
      task: `plan:${operation}`,
      kind: "reasoner",
      provider: usage.provider,
      tiki: usage.tiki,
      detail: { reasoner, tokens_in: usage.tokensIn, tokens_out: usage.tokensOut, estimated: usage.estimated, latency_ms: usage.latencyMs },
    });
    this.booked += usage.tiki;
  }
}

/**
 * The override order of a being in a room (M8): safety > swarm consensus > mission. When
 * directives conflict, the highest source wins and the decision is recorded as a
 * `room.override` event with its reason, so the flight recorder shows why a being did not do
 * what its mission said.
 */
import { z } from "zod";
import { addressSchema } from "../events/address";
import { createEvent, type CreateEventInput } from "../events/createEvent";
import type { EventEnvelope } from "../events/eventEnvelope";
import { MAX_NAME_LENGTH, MAX_REASON_LENGTH } from "./constants";

/** Where a directive comes from, highest first. */
export const OVERRIDE_ORDER = ["safety", "consensus", "mission"] as const;
export type DirectiveSource = (typeof OVERRIDE_ORDER)[number];

export const directiveSchema = z.object({
  source: z.enum(OVERRIDE_ORDER),
  /** What to do, e.g. `halt`, `take:task-3`, `continue`. Directives with the same action agree. */
  action: z.string().min(1).max(MAX_NAME_LENGTH),
  reason: z.string().min(1, "a directive says why").max(MAX_REASON_LENGTH),
  /** Who gave it: a being's soul, `master` or `room:<id>`. */
  by: addressSchema,
  /** When it was given (ms); among directives of the same source the earliest wins. */
  at: z.number().int().nonnegative(),
});
export type Directive = z.infer<typeof directiveSchema>;

export const OVERRIDE_EVENT_TYPE = "room.override";

/** The data of a `room.override` event. */
export type OverrideData = { reason: string; winner: Directive; overridden: Directive[] };

export interface OverrideDecision {
  readonly winner: Directive;
  /** The directives that wanted something else and lost. */
  readonly overridden: readonly Directive[];
  /** Present when something was overridden. */
  readonly event?: EventEnvelope<typeof OVERRIDE_EVENT_TYPE> | undefined;
}

const rank = (source: DirectiveSource) => OVERRIDE_ORDER.indexOf(source);

/** Orders directives: the first one wins. Higher source, then earlier, then action and author so every being agrees. */
export function compareDirectives(a: Directive, b: Directive): number {
  return rank(a.source) - rank(b.source) || a.at - b.at || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0) || (a.by < b.by ? -1 : a.by > b.by ? 1 : 0);
}

/**
 * Decides between directives: the winner, the ones it overrode, and (when it overrode any) the
 * event recording why. Returns undefined for no directives. Pure apart from the event's id and
 * time, which come from `event.now` and `event.randomBytes` when given.
 *
 * @example
 * const decision = resolveOverride([missionSays, safetySays], { source: soul, subject: "task-3" });
 * if (decision?.event) recorder.append(decision.event);
 */
export function resolveOverride(
  directives: readonly Directive[],
  event: Pick<CreateEventInput<typeof OVERRIDE_EVENT_TYPE>, "source" | "subject" | "branch" | "trace" | "now" | "randomBytes">,
): OverrideDecision | undefined {
  const sorted = directives.map((d) => directiveSchema.parse(d)).sort(compareDirectives);
  const winner = sorted[0];
  if (!winner) return undefined;
  const overridden = sorted.slice(1).filter((d) => d.action !== winner.action);
  if (overridden.length === 0) return { winner, overridden };
  const sources = [...new Set(overridden.map((d) => d.source))].join(" and ");
  const reason = `${winner.source} overrides ${sources}: ${winner.reason}`.slice(0, MAX_REASON_LENGTH);
  const data: OverrideData = { reason, winner, overridden };
  return { winner, overridden, event: createEvent({ ...event, type: OVERRIDE_EVENT_TYPE, data }) };
}

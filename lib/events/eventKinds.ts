/**
 * The event types LuxOS knows and the shape of their `data`. Other dotted types are allowed
 * with any JSON object as data; these four are checked. Data is read tolerantly (extra keys
 * pass), so a newer writer's additions do not break an older reader.
 */
import { z } from "zod";
import type { Json } from "../jsonMergePatch";
import { addressSchema } from "./address";
import { MAX_RATIONALE_LENGTH } from "./constants";

/** Any JSON value (finite numbers only). For values inside an envelope, whose size and depth the envelope already bounds. */
export const jsonValueSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

/** The three layers of a being's mind (M3.4). */
export const mindLayerSchema = z.enum(["reflex", "situation", "supervision"]);
export type MindLayer = z.infer<typeof mindLayerSchema>;

/** `being.decision`: what a layer chose, why, what it rejected, and how sure it was. */
export const decisionDataSchema = z.object({
  layer: mindLayerSchema,
  decision: z.string().min(1, "decision names what was chosen").max(200),
  rationale: z.string().max(MAX_RATIONALE_LENGTH),
  alternatives: z.array(z.object({ option: z.string().max(200), reason: z.string().max(1000) })).max(32),
  confidence: z.number().min(0, "confidence is between 0 and 1").max(1, "confidence is between 0 and 1"),
  /** The memories (facts, micro-world rows) the decision drew on, by id, so an audit can open them. */
  memory_ids: z.array(z.string().min(1).max(128)).max(64).optional(),
});
export type DecisionData = z.infer<typeof decisionDataSchema>;

const digest = z.string().regex(/^[0-9a-f]{8,128}$/, "must be a hex digest of 8 to 128 lowercase hex digits");

/** `being.state`: one change of a being's state, with digests before and after so replay can check itself. */
export const stateDataSchema = z.object({
  target: z.string().min(1, "target names what changed").max(512),
  before_hash: digest,
  after_hash: digest,
  diff: jsonValueSchema,
  reversible: z.boolean(),
});
export type StateData = z.infer<typeof stateDataSchema>;

/** `being.message`: a message from the event's source to `to`. */
export const messageDataSchema = z.object({
  to: addressSchema,
  text: z.string().max(16_000),
  reply_to: z.string().optional(),
});
export type MessageData = z.infer<typeof messageDataSchema>;

/** `system.signal`: a control signal to or from a being. */
export const signalDataSchema = z.object({
  signal: z.enum(["pause", "resume", "stop", "halt", "budget_exhausted", "wake"]),
  reason: z.string().max(1000).optional(),
});
export type SignalData = z.infer<typeof signalDataSchema>;

/** Every checked event type with its data schema. */
export const EVENT_DATA_SCHEMAS = {
  "being.decision": decisionDataSchema,
  "being.state": stateDataSchema,
  "being.message": messageDataSchema,
  "system.signal": signalDataSchema,
} as const;

export type KnownEventType = keyof typeof EVENT_DATA_SCHEMAS;
export type KnownEventData = { [K in KnownEventType]: z.input<(typeof EVENT_DATA_SCHEMAS)[K]> };

/** Whether `type` is one of the checked types. */
export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(EVENT_DATA_SCHEMAS, type);
}

/**
 * The timeline's wire contract (tRPC inputs, issue 9): filters, pages, moments, export formats.
 */
import { z } from "zod";
import { MAX_TAG_LENGTH } from "../constants";
import { soulSchema } from "../ids";
import {
  DEFAULT_TIMELINE_PAGE,
  MAX_EXPORT_PAGE,
  MAX_HISTORY_PAGE,
  MAX_HOT_DAYS,
  MAX_IMPORT_BYTES,
  MAX_TAIL_WAIT_MS,
  MAX_TIMELINE_PAGE,
  MIN_HOT_DAYS,
} from "./constants";

const isoTime = z.iso.datetime({ message: "must be an ISO 8601 UTC time such as 2025-01-01T12:00:00.000Z" });
const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** What the timeline can be filtered by; every filter is optional and they combine with AND. */
export const timelineFilterSchema = z.strictObject({
  /** Events a being sent or that are about it (source or subject is its soul). */
  being: soulSchema.optional(),
  /** Events in a room (sent by it or to it). */
  room: soulSchema.optional(),
  branch: z.string().min(1).max(MAX_TAG_LENGTH).optional(),
  /** A type such as being.decision, or a family such as being.* */
  type: z
    .string()
    .max(128)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/, "type is a dotted type such as being.decision, or a family such as being.*")
    .optional(),
  trace: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "trace is a W3C trace id: 32 lowercase hex digits")
    .optional(),
  /** Events at or after this time. */
  from: isoTime.optional(),
  /** Events before this time. */
  to: isoTime.optional(),
});
/** A filter as the store takes it (the router has parsed and lower-cased it). */
export type TimelineFilter = z.input<typeof timelineFilterSchema>;

/** A page of the timeline, newest first: pass the answer's `next_before` as `before` for the next page. */
export const timelineQuerySchema = timelineFilterSchema.extend({
  before: seqSchema.optional(),
  limit: z.number().int().min(1).max(MAX_TIMELINE_PAGE).default(DEFAULT_TIMELINE_PAGE),
});
export type TimelineQuery = z.infer<typeof timelineQuerySchema>;

/** The live tail: events after `after`, oldest first; waits up to `wait_ms` for the first one. */
export const timelineTailSchema = timelineFilterSchema.extend({
  after: seqSchema,
  limit: z.number().int().min(1).max(MAX_TIMELINE_PAGE).default(DEFAULT_TIMELINE_PAGE),
  wait_ms: z.number().int().min(0).max(MAX_TAIL_WAIT_MS).default(MAX_TAIL_WAIT_MS),
});
export type TimelineTail = z.infer<typeof timelineTailSchema>;

/** A moment: a journal position (`seq`, from a history page) or a time; neither means now. */
export const momentSchema = z
  .strictObject({ seq: seqSchema.optional(), at: isoTime.optional() })
  .refine((m) => m.seq === undefined || m.at === undefined, "give seq or at, not both");
export type Moment = z.infer<typeof momentSchema>;

export const beingAtSchema = z.strictObject({
  soul: soulSchema,
  branch: z.string().min(1).max(MAX_TAG_LENGTH).default("main"),
  moment: momentSchema.default({}),
});
export const beingHistorySchema = z.strictObject({
  soul: soulSchema,
  before: seqSchema.optional(),
  limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(200),
});
export const roomAtSchema = z.strictObject({ room: soulSchema, moment: momentSchema.default({}) });
export const roomHistorySchema = z.strictObject({
  room: soulSchema,
  before: seqSchema.optional(),
  limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(200),
});
export const restoreBeingSchema = z.strictObject({
  soul: soulSchema,
  branch: z.string().min(1).max(MAX_TAG_LENGTH).default("main"),
  /** The moment to go back to; restoring to now changes nothing. */
  moment: momentSchema.refine((m) => m.seq !== undefined || m.at !== undefined, "say which moment to restore: seq or at"),
  /** Also bring back the relationships touching the being as they were (refused when a peer being no longer exists). */
  relationships: z.boolean().default(true),
});
export const restoreRoomSchema = z.strictObject({
  room: soulSchema,
  moment: momentSchema.refine((m) => m.seq !== undefined || m.at !== undefined, "say which moment to restore: seq or at"),
});

export const exportFormatSchema = z.enum(["cloudevents", "otlp"]);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** A page of the log to export, oldest first; pass `next_after` as `after` until it is null. */
export const timelineExportSchema = timelineFilterSchema.extend({
  format: exportFormatSchema.default("cloudevents"),
  after: seqSchema.default(0),
  limit: z.number().int().min(1).max(MAX_EXPORT_PAGE).default(MAX_EXPORT_PAGE),
  /** Export the master's journal of beings (rows and branch versions) and relationships instead of the event log; `after` is then a journal seq. */
  journal: z.boolean().default(false),
});
export type TimelineExport = z.infer<typeof timelineExportSchema>;

export const timelineImportSchema = z.strictObject({
  /** CloudEvents NDJSON as timeline.export writes it. */
  ndjson: z
    .string()
    .min(1, "send at least one line of NDJSON")
    .refine((s) => s.length <= MAX_IMPORT_BYTES, `send at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB per import; split the file at line ends`),
});

export const retentionSetSchema = z.strictObject({
  room: soulSchema,
  /** Days of events and room history kept hot; older ones are archived and compacted. null removes the policy (keep everything). */
  hot_days: z.number().int().min(MIN_HOT_DAYS).max(MAX_HOT_DAYS).nullable(),
});
export const retentionRoomSchema = z.strictObject({ room: soulSchema });

/** A change of a being's master record made by traced work, as `timeline.trace` answers it (its journal row recorded the request's traceparent). */
export interface TraceWrite {
  readonly seq: number;
  readonly soul: string;
  readonly op: "I" | "U" | "D";
  readonly at: string;
  /** The traceparent the write recorded: its span id is the parent of the write. */
  readonly traceparent: string;
  readonly branches: readonly string[];
}

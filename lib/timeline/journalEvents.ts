/**
 * The master's journal entries (a being's row or branch version, a relationship) as events of the one
 * envelope, so an export carries them as CloudEvents and OTLP spans and an import rebuilds the journal.
 */
import { z } from "zod";
import { MAX_TAG_LENGTH } from "../constants";
import { jsonValueSchema } from "../events/eventKinds";
import { soulSchema } from "../ids";

/** The type of a journal entry in an export. */
export const JOURNAL_EVENT_TYPE = "master.journal";

const opSchema = z.enum(["I", "U", "D"]);
const branchList = z.array(z.string().min(1).max(MAX_TAG_LENGTH)).max(256);
const common = {
  op: opSchema,
  /** Its place in the exporting master's journal: entries import in this order. */
  seq: z.number().int().min(0),
  /** The transaction that wrote it there: entries of one transaction replay together. */
  tx: z.number().int(),
  trace: z.string().max(128).nullable(),
  change: z.record(z.string(), jsonValueSchema).nullable(),
};

/** The data of a master.journal event. */
export const journalEventDataSchema = z.discriminatedUnion("journal", [
  z.object({
    journal: z.literal("being"),
    layer: z.enum(["base", "version"]),
    soul: soulSchema,
    branches: branchList,
    old_branches: branchList.nullable(),
    ...common,
  }),
  z.object({
    journal: z.literal("relationship"),
    id: soulSchema,
    source_soul: soulSchema,
    target_soul: soulSchema,
    old_source_soul: soulSchema.nullable(),
    old_target_soul: soulSchema.nullable(),
    ...common,
  }),
]);
export type JournalEventData = z.infer<typeof journalEventDataSchema>;

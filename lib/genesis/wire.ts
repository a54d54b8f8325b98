/**
 * The genesis API's wire contract (server/routers/genesis.ts): inputs validated with zod, answers
 * as plain JSON. Snake case like the rest of the API.
 */
import { z } from "zod";
import { MAX_NAME_LENGTH } from "../constants";
import { CAPABILITIES, capabilitySchema } from "../sandbox/protocol";
import { soulSchema } from "../ids";
import type { JsonObject } from "../jsonMergePatch";
import { jsonDocument, tagsSchema } from "../schemas";
import type { Classification, ChangeKind } from "./classify";
import { beingTypeSchema, languageSchema, sourceSchema, type Genesis } from "./genesisDocument";
import { microWorldSchema } from "./microWorldFile";
import type { DiffRow } from "./lineDiff";
import { versionRecordSchema, type VersionRecord } from "./versions";

const nameSchema = z.string().trim().min(1, "name cannot be empty").max(MAX_NAME_LENGTH, `name is at most ${MAX_NAME_LENGTH} characters`);
const messageSchema = z.string().trim().max(500, "message is at most 500 characters");
const versionSchema = z.number().int("version is a whole number").min(1, "versions start at 1");

export const genesisCreateSchema = z.strictObject({
  name: nameSchema,
  type: beingTypeSchema.default("function"),
  language: languageSchema.default("python"),
  source: sourceSchema.default(""),
  /** Oldest first; by default the core beings its type descends from. */
  ancestors: z.array(soulSchema).max(1_000).optional(),
  attributes: jsonDocument("attributes").default({}),
  tags: tagsSchema.default([]),
  meta: jsonDocument("meta").default({}),
  message: messageSchema.optional(),
  /** The being that summons this one (`summon` in the sandbox): it becomes the parent, and capabilities are cut to the parent's. */
  summoned_by: soulSchema.optional(),
  /** What the being may do from its code; all by default, never more than a summoner has. */
  capabilities: z.array(capabilitySchema).max(CAPABILITIES.length).optional(),
});
export type GenesisCreateInput = z.input<typeof genesisCreateSchema>;
export type GenesisCreate = z.output<typeof genesisCreateSchema>;

export const genesisEvolveSchema = z.strictObject({
  soul: soulSchema,
  source: sourceSchema,
  /** The new being's name if the change is a mutation. */
  name: nameSchema.optional(),
  message: messageSchema.optional(),
  /** Say what saving would do, and write nothing. */
  dry_run: z.boolean().default(false),
});
export type GenesisEvolveInput = z.input<typeof genesisEvolveSchema>;
export type GenesisEvolve = z.output<typeof genesisEvolveSchema>;

export const genesisVersionSchema = z.strictObject({ soul: soulSchema, version: versionSchema });

/** Two versions to compare, of one being or of two (a parent and its mutation). */
export const genesisDiffSchema = z.strictObject({
  a: z.strictObject({ soul: soulSchema, version: versionSchema }),
  b: z.strictObject({ soul: soulSchema, version: versionSchema }),
});

export const EXPORT_FORMAT = "luxos.being/1";

/** One being as one file: its record, every version, the relationships of its lineage, its micro-world. */
export const beingExportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT, { message: `this is not a LuxOS being file (format is not ${EXPORT_FORMAT})` }),
  exported_at: z.string(),
  being: z.strictObject({
    soul: soulSchema,
    tags: tagsSchema,
    energy_level: z.number().int(),
    genesis: jsonDocument("genesis"),
    attributes: jsonDocument("attributes"),
    memories: jsonDocument("memories"),
    self_awareness: jsonDocument("self_awareness"),
    branches: z.array(z.string()).min(1),
  }),
  versions: z.array(versionRecordSchema).max(100_000),
  relationships: z
    .array(
      z.strictObject({
        id: z.uuid(),
        tags: tagsSchema,
        source_soul: soulSchema,
        target_soul: soulSchema,
        genesis: jsonDocument("genesis"),
        attributes: jsonDocument("attributes"),
      }),
    )
    .max(10_000),
  /**
   * The being's micro-world SQLite file (lib/genesis/microWorldFile.ts); null when the file was exported from the master
   * alone (the master never holds it: the page that exports adds it from the browser's OPFS, the page that imports restores it).
   */
  micro_world: microWorldSchema.nullable(),
});
export type BeingExport = z.output<typeof beingExportSchema>;

export const genesisImportSchema = z.strictObject({
  file: beingExportSchema,
  /** Give the being a new soul when its soul exists here already (a copy), instead of refusing. */
  new_soul_if_taken: z.boolean().default(false),
});

// ---------------------------------------------------------------- answers

export interface GenesisView {
  readonly soul: string;
  readonly core: boolean;
  readonly genesis: Genesis;
  /** Every stored version, oldest first (the genesis document lists only the recent ones). */
  readonly history: readonly Omit<VersionRecord, "body">[];
  readonly attributes: JsonObject;
  readonly tags: readonly string[];
}

export type EvolveResult =
  | { readonly kind: "unchanged"; readonly dry_run: boolean; readonly classification: Classification; readonly soul: string; readonly version: number }
  | {
      readonly kind: Exclude<ChangeKind, "unchanged">;
      readonly dry_run: boolean;
      readonly classification: Classification;
      /** The being that holds the new source: the same soul on evolution, a new one on mutation (null on a dry run). */
      readonly soul: string | null;
      readonly version: number;
      readonly parent: { readonly soul: string; readonly version: number } | null;
    };

export interface LineageNode {
  readonly soul: string;
  readonly name: string;
  /** False for an ancestor that was deleted: only its soul is known. */
  readonly exists: boolean;
  readonly core: boolean;
  readonly version: number;
  readonly depth: number;
}

export interface LineageEdge {
  /** `mutation`: born from a change of the parent's code; `summon`: created by the parent's code; `descent`: declared ancestry. */
  readonly kind: "mutation" | "summon" | "descent";
  readonly parent: string;
  readonly child: string;
  /** The parent's version the child was born from, when known. */
  readonly parent_version: number | null;
}

/** A being's family: its ancestors (negative depth), itself (0) and its descendants by mutation. */
export interface Lineage {
  readonly soul: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  readonly truncated: boolean;
}

export interface DiffAnswer {
  readonly a: { readonly soul: string; readonly version: number; readonly source: string };
  readonly b: { readonly soul: string; readonly version: number; readonly source: string };
  readonly rows: readonly DiffRow[];
  readonly classification: Classification;
}

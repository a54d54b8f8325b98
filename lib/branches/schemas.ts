/**
 * Branches of reality (M7, seed 003): the wire contract of branches.* and the shape of a
 * branch being's attributes. A branch is a being tagged `branch` that lives in main; its
 * soul is the branch id rows carry in their `branches` arrays.
 */
import { z } from "zod";
import { MAIN_BRANCH, MAX_JSON_BYTES, MAX_NAME_LENGTH } from "../constants";
import { soulSchema } from "../ids";
import type { Json, JsonObject } from "../jsonMergePatch";
import { branchIdSchema, energySchema, jsonByteLength, jsonDocument, tagsSchema, type Being, type Relationship } from "../schemas";

/** The tag every branch being carries. */
export const BRANCH_TAG = "branch";
/** The tag a being's experiment output carries; a shallow merge takes these when they passed their KPIs. */
export const OUTPUT_TAG = "output";

/**
 * What a branch sees besides its own rows: nothing (`isolated`), its parent's view live
 * (`read-through`), or the rows of the branches it names (`subscribe`).
 */
export const isolationSchema = z.enum(["isolated", "read-through", "subscribe"], { message: 'isolation is "isolated", "read-through" or "subscribe"' });
export type Isolation = z.infer<typeof isolationSchema>;

/** open: takes writes; merged: its changes went to its parent; archived: kept read-only; dropped: its rows are gone. */
export const branchStatusSchema = z.enum(["open", "merged", "archived", "dropped"]);
export type BranchStatus = z.infer<typeof branchStatusSchema>;

/** A branch being's attributes, as the store writes them at fork and after each life-cycle step. */
export const branchAttributesSchema = z.object({
  parent: branchIdSchema,
  isolation: isolationSchema,
  subscribe: z.array(branchIdSchema).default([]),
  creator: z.string().nullable().default(null),
  /** Tiki the whole branch may spend; null: no limit beyond each task's own. */
  budget: z.number().int().min(0).nullable().default(null),
  status: branchStatusSchema,
  forked_at: z.string(),
  closed_at: z.string().nullable().default(null),
  last_merge: z
    .object({ at: z.string(), mode: z.enum(["shallow", "deep"]), applied: z.number().int(), created: z.number().int(), deleted: z.number().int() })
    .nullable()
    .default(null),
});
export type BranchAttributes = z.infer<typeof branchAttributesSchema>;

export const branchForkSchema = z
  .strictObject({
    name: z.string().trim().min(1, "a branch needs a name").max(MAX_NAME_LENGTH),
    parent: branchIdSchema.default(MAIN_BRANCH),
    isolation: isolationSchema.default("read-through"),
    subscribe: z.array(branchIdSchema).max(16).default([]),
    budget: z.number().int().min(0).nullable().default(null),
    purpose: z.string().trim().max(2000).default(""),
  })
  .superRefine((input, ctx) => {
    if (input.isolation === "subscribe" && input.subscribe.length === 0) {
      ctx.addIssue({ code: "custom", path: ["subscribe"], message: "a subscribe branch names at least one branch to see" });
    }
    if (input.isolation !== "subscribe" && input.subscribe.length > 0) {
      ctx.addIssue({ code: "custom", path: ["subscribe"], message: 'subscribe is only for isolation "subscribe"' });
    }
  });
export type BranchForkInput = z.input<typeof branchForkSchema>;
export type BranchFork = z.output<typeof branchForkSchema>;

export const branchRefSchema = z.strictObject({ branch: soulSchema });

/** A whole being as a person edits it to resolve a conflict. */
export const beingDocumentSchema = z.strictObject({
  tags: tagsSchema,
  energy_level: energySchema,
  genesis: jsonDocument("genesis"),
  attributes: jsonDocument("attributes"),
  memories: jsonDocument("memories"),
  self_awareness: jsonDocument("self_awareness"),
});
export type BeingDocument = z.output<typeof beingDocumentSchema>;

/** How a person settles one conflict: keep the parent's version, take the branch's, or write the result. */
export const resolutionSchema = z.union([z.literal("ours"), z.literal("theirs"), z.strictObject({ edited: beingDocumentSchema })]);
export type Resolution = z.output<typeof resolutionSchema>;

/** A whole relationship as a person edits it to resolve a conflict (its ends never change). */
export const relationshipDocumentSchema = z.strictObject({
  tags: tagsSchema,
  energy_level: energySchema,
  genesis: jsonDocument("genesis"),
  attributes: jsonDocument("attributes"),
});
export type RelationshipDocument = z.output<typeof relationshipDocumentSchema>;

/** How a person settles one relationship conflict, as for beings. */
export const relationshipResolutionSchema = z.union([z.literal("ours"), z.literal("theirs"), z.strictObject({ edited: relationshipDocumentSchema })]);
export type RelationshipResolution = z.output<typeof relationshipResolutionSchema>;

export const branchMergeSchema = z.strictObject({
  branch: soulSchema,
  /** deep: every change; shallow: the chosen outputs only. */
  mode: z.enum(["shallow", "deep"]).default("deep"),
  /** Shallow: the souls to take; when omitted, the branch's outputs (tag `output`) whose attributes.kpi.passed is true. */
  souls: z.array(soulSchema).max(5_000).optional(),
  /** Soul → resolution, for every conflict the merge reports. */
  resolutions: z.record(z.string(), resolutionSchema).default({}),
  /** Relationship id → resolution, for every relationship conflict the merge reports. */
  relationship_resolutions: z.record(z.string(), relationshipResolutionSchema).default({}),
});
export type BranchMergeInput = z.input<typeof branchMergeSchema>;
export type BranchMerge = z.output<typeof branchMergeSchema>;

/** Fan-out (M7): one input through several branches, each with its own personality; the outputs come back side by side. */
export const fanOutSchema = z.strictObject({
  /** The one input every branch gets, as the Lux variable `input`. */
  input: z.string().max(20_000),
  /** The Lux program every branch runs; it sees `input` and `personality`, and its last REPORT (or variable `output`) is its output. */
  program: z.string().min(1, "give the program to run").max(20_000),
  variants: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(MAX_NAME_LENGTH), personality: jsonDocument("personality").default({}) }))
    .min(2, "fan out to at least two branches")
    .max(6, "at most six branches at once"),
  parent: branchIdSchema.default(MAIN_BRANCH),
  /** Tiki each branch's run may spend. */
  budget: z.number().int().min(1).max(1_000_000).default(5_000),
});
export type FanOut = z.output<typeof fanOutSchema>;

/** The tag of a being genesis'd in a fan-out branch to run one variant there. */
export const FAN_OUT_TAG = "fan-out";

/**
 * A fan-out that runs in the caller's tab (the branches page): the same input and variants, and optionally
 * the being each variant is a copy of (its genesis and reasoner, with the variant's personality).
 */
export const fanOutForkSchema = fanOutSchema.extend({ being: soulSchema.optional() });
export type FanOutForkInput = z.input<typeof fanOutForkSchema>;
export type FanOutFork = z.output<typeof fanOutForkSchema>;

/** One variant of a fan-out ready to run: its new branch and the being genesis'd in it. */
export interface FanOutVariant {
  name: string;
  personality: JsonObject;
  branch: Branch;
  /** The variant's being, in the branch alone: what a being worker needs to come alive. */
  being: { soul: string; name: string; personality: string; goal: string; reasoner: "deterministic" | "webllm" | "openai"; budget: number };
}

/** `branches.fanOutFork`'s answer: the task every variant's spend is booked to, and the variants. */
export interface FanOutTask {
  /** `fan-out:<uuid>`: the Tiki ledger's task of the whole fan-out. */
  task: string;
  input: string;
  program: string;
  budget: number;
  variants: FanOutVariant[];
}

const json = z
  .custom<Json>((v) => v === null || ["string", "number", "boolean", "object"].includes(typeof v))
  .refine((v) => jsonByteLength(v) <= MAX_JSON_BYTES, {
    message: `an output is at most ${MAX_JSON_BYTES / 1024} KB of JSON`,
  });

/** What one variant's run in a being worker produced, recorded as the branch's output (fan-in merges it). */
export const fanOutRecordSchema = z.strictObject({
  branch: soulSchema,
  /** The variant's being (it ran the program). */
  being: soulSchema,
  ok: z.boolean(),
  /** The run's last REPORT (or its `output` variable) as JSON; null when it produced none. */
  output: json.nullable(),
  error: z.string().max(4_000).nullable(),
  tiki: z.number().int().min(0),
  steps: z.number().int().min(0),
});
export type FanOutRecord = z.output<typeof fanOutRecordSchema>;

/** One branch's run in a fan-out. */
export interface FanOutRun {
  branch: Branch;
  ok: boolean;
  /** The run's output, as JSON; null when it produced none. */
  output: Json;
  /** The output being in the branch (tag `output`), which a shallow merge takes into the parent. */
  output_soul: string | null;
  tiki: number;
  steps: number;
  error: string | null;
}

// ---------------------------------------------------------------- answers

export interface Branch {
  /** The branch id: `main`, or the branch being's soul. */
  id: string;
  name: string;
  purpose: string;
  parent: string | null;
  isolation: Isolation;
  subscribe: string[];
  creator: string | null;
  budget: number | null;
  status: BranchStatus;
  forked_at: string;
  closed_at: string | null;
  /** What the branch sees, nearest first. */
  visible: string[];
}

/** A branch's figures, side by side with others. */
export interface BranchKpis {
  branch: string;
  /** Beings the branch changed (copy-on-write versions) and created. */
  changed: number;
  created: number;
  deleted: number;
  /** Relationships the branch created, changed or deleted. */
  relationships_changed: number;
  /** Facts learned in the branch (knowledge.push with this branch). */
  facts_learned: number;
  tiki_spent: number;
  /** Ledger entries that succeeded, over all entries (null when there are none). */
  success_rate: number | null;
  runs: number;
}

/** One soul in a merge: the branch's change and, for a conflict, what the parent did meanwhile. */
export interface MergeItem {
  soul: string;
  name: string;
  change: "changed" | "created" | "deleted";
  /** Changed on both sides since the branch copied it (or deleted on one side, changed on the other). */
  conflict: boolean;
  /** The parent's current version (null when it deleted the being or never had it). */
  ours: Being | null;
  /** The branch's version (null for a deletion). */
  theirs: Being | null;
}

/**
 * One relationship in a merge. A shallow merge takes the relationship changes that touch a chosen
 * being; any merge takes a relationship only when both its ends exist in the parent afterwards.
 */
export interface RelationshipMergeItem {
  id: string;
  source_soul: string;
  target_soul: string;
  /** The ends' names (their souls when unnamed or gone), for people. */
  source_name: string;
  target_name: string;
  change: "changed" | "created" | "deleted";
  /** Changed on both sides since the branch copied it (or deleted on one side, changed on the other). */
  conflict: boolean;
  /** The parent's current version (null when it deleted the relationship or never had it). */
  ours: Relationship | null;
  /** The branch's version (null for a deletion). */
  theirs: Relationship | null;
}

export interface MergePreview {
  branch: string;
  into: string;
  items: MergeItem[];
  /** Conflicts among the beings (items). */
  conflicts: number;
  relationships: RelationshipMergeItem[];
  relationship_conflicts: number;
}

/** What a merge did to relationships. */
export interface RelationshipMergeCounts {
  applied: number;
  created: number;
  deleted: number;
  kept_ours: number;
}

export type MergeResult =
  | { status: "conflicts"; branch: string; into: string; conflicts: MergeItem[]; relationship_conflicts: RelationshipMergeItem[] }
  | {
      status: "merged";
      branch: string;
      into: string;
      mode: "shallow" | "deep";
      applied: number;
      created: number;
      deleted: number;
      kept_ours: number;
      relationships: RelationshipMergeCounts;
    };

/**
 * The master's wire contract: every input the tRPC API accepts, validated with zod,
 * and the shapes it answers with. Plain JSON, snake_case like the tables.
 */
import { z } from "zod";
import {
  DEFAULT_PAGE_SIZE,
  EMBEDDING_DIMENSIONS,
  ENERGY_MAX,
  ENERGY_MIN,
  MAX_CREATE_MANY,
  MAX_JSON_BYTES,
  MAX_NAME_LENGTH,
  MAX_NEIGHBOR_DEPTH,
  MAX_PAGE_SIZE,
  MAX_PATH_DEPTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAIN_BRANCH,
} from "./constants";
import { relationshipIdSchema, soulSchema } from "./ids";
import type { Json, JsonObject } from "./jsonMergePatch";

const encoder = new TextEncoder();

/** Size of a value once serialized as JSON, in bytes. */
export function jsonByteLength(value: unknown): number {
  return encoder.encode(JSON.stringify(value) ?? "").length;
}

const jsonValue: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

/** A JSON object of at most MAX_JSON_BYTES once serialized. */
export function jsonDocument(field: string) {
  return z
    .record(z.string(), jsonValue, { message: `${field} must be a JSON object such as {"key": "value"}` })
    .refine((doc) => jsonByteLength(doc) <= MAX_JSON_BYTES, {
      message: `${field} is larger than ${MAX_JSON_BYTES / 1024} KB; store large data elsewhere and keep a reference here`,
    }) as z.ZodType<JsonObject>;
}

export const tagSchema = z.string().trim().min(1, "a tag cannot be empty").max(MAX_TAG_LENGTH, `a tag is at most ${MAX_TAG_LENGTH} characters`);

export const tagsSchema = z
  .array(tagSchema)
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);

export const energySchema = z
  .number({ message: "energy_level must be a number" })
  .int("energy_level must be a whole number")
  .min(ENERGY_MIN, "energy_level is below the smallest 32-bit integer")
  .max(ENERGY_MAX, "energy_level is above the largest 32-bit integer");

export const branchesSchema = z
  .array(z.string().trim().min(1).max(MAX_TAG_LENGTH))
  .min(1, "a row belongs to at least one branch")
  .max(MAX_TAGS)
  .transform((b) => [...new Set(b)]);

/** A branch of reality: `main`, or the soul of a branch being (branches.fork answers it). */
export const branchIdSchema = z.union([z.literal(MAIN_BRANCH), soulSchema], { message: 'a branch is "main" or the soul of a branch being' });
/** The branch a read or write happens in; main unless the caller says otherwise. */
const inBranch = { branch: branchIdSchema.default(MAIN_BRANCH) };

export const embeddingSchema = z.array(z.number().finite()).length(EMBEDDING_DIMENSIONS, `an embedding has exactly ${EMBEDDING_DIMENSIONS} numbers`);

const nameSchema = z
  .string({ message: "genesis.name is required: every being has a name" })
  .trim()
  .min(1, "genesis.name cannot be empty")
  .max(MAX_NAME_LENGTH, `genesis.name is at most ${MAX_NAME_LENGTH} characters`);

/** A being's genesis: a name at least; source, type, ancestors, versions, meta as they come. */
export const genesisSchema = jsonDocument("genesis").superRefine((doc, ctx) => {
  const parsed = nameSchema.safeParse(doc["name"]);
  if (!parsed.success) ctx.addIssue({ code: "custom", path: ["name"], message: parsed.error.issues[0]?.message ?? "bad name" });
});

// ---------------------------------------------------------------- beings

export const beingCreateSchema = z.strictObject({
  soul: soulSchema.optional(),
  tags: tagsSchema.default([]),
  energy_level: energySchema.default(0),
  genesis: genesisSchema,
  attributes: jsonDocument("attributes").default({}),
  memories: jsonDocument("memories").default({}),
  self_awareness: jsonDocument("self_awareness").default({}),
  branches: branchesSchema.optional(),
  embedding: embeddingSchema.nullish(),
  ...inBranch,
});
export type BeingCreateInput = z.input<typeof beingCreateSchema>;
/** What the store takes: the branch may be left out (main). */
export type BeingCreate = Omit<z.output<typeof beingCreateSchema>, "branch"> & { branch?: string };

export const beingCreateManySchema = z.strictObject({
  beings: z.array(beingCreateSchema).min(1).max(MAX_CREATE_MANY, `at most ${MAX_CREATE_MANY} beings per call`),
});

/** A JSON Merge Patch (RFC 7386) for one JSONB column: null removes a key. */
function patchDocument(field: string) {
  return jsonDocument(field);
}

export const beingUpdateSchema = z
  .strictObject({
    soul: soulSchema,
    tags: tagsSchema.optional(),
    energy_level: energySchema.optional(),
    genesis: patchDocument("genesis").optional(),
    attributes: patchDocument("attributes").optional(),
    memories: patchDocument("memories").optional(),
    self_awareness: patchDocument("self_awareness").optional(),
    branches: branchesSchema.optional(),
    embedding: embeddingSchema.nullish(),
    ...inBranch,
  })
  .superRefine((input, ctx) => {
    const name = input.genesis?.["name"];
    if (name !== undefined && !nameSchema.safeParse(name).success) {
      ctx.addIssue({ code: "custom", path: ["genesis", "name"], message: "genesis.name must stay a non-empty string of at most 200 characters" });
    }
  });
export type BeingUpdate = Omit<z.output<typeof beingUpdateSchema>, "branch"> & { branch?: string };

export const soulInputSchema = z.strictObject({ soul: soulSchema });
/** One being as a branch sees it. */
export const beingRefSchema = z.strictObject({ soul: soulSchema, ...inBranch });
export type BeingRef = z.output<typeof beingRefSchema>;

const pageSchema = {
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE, `a page holds at most ${MAX_PAGE_SIZE} rows`).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(200).nullish(),
  /** Sent by tRPC's infinite queries; pages only go forward, so it is accepted and ignored. */
  direction: z.enum(["forward", "backward"]).optional(),
};

const energyRange = {
  energy_min: energySchema.optional(),
  energy_max: energySchema.optional(),
};

function checkRange(input: { energy_min?: number | undefined; energy_max?: number | undefined }, ctx: z.RefinementCtx) {
  if (input.energy_min !== undefined && input.energy_max !== undefined && input.energy_min > input.energy_max) {
    ctx.addIssue({ code: "custom", path: ["energy_min"], message: "energy_min is larger than energy_max" });
  }
}

export const beingListSchema = z
  .strictObject({
    tags_any: z.array(tagSchema).max(MAX_TAGS).optional(),
    tags_all: z.array(tagSchema).max(MAX_TAGS).optional(),
    ...energyRange,
    genesis: jsonDocument("genesis filter").optional(),
    attributes: jsonDocument("attributes filter").optional(),
    memories: jsonDocument("memories filter").optional(),
    self_awareness: jsonDocument("self_awareness filter").optional(),
    name: z.string().trim().max(MAX_NAME_LENGTH).optional(),
    ...pageSchema,
    ...inBranch,
  })
  .superRefine(checkRange);
export type BeingListInput = z.input<typeof beingListSchema>;
export type BeingList = Omit<z.output<typeof beingListSchema>, "branch"> & { branch?: string };

// ---------------------------------------------------------------- relationships

export const relationshipCreateSchema = z.strictObject({
  id: relationshipIdSchema.optional(),
  source_soul: soulSchema,
  target_soul: soulSchema,
  tags: tagsSchema.default([]),
  energy_level: energySchema.default(0),
  genesis: jsonDocument("genesis").default({}),
  attributes: jsonDocument("attributes").default({}),
  branches: branchesSchema.optional(),
  ...inBranch,
});
export type RelationshipCreateInput = z.input<typeof relationshipCreateSchema>;
/** What the store takes: the branch may be left out (main). */
export type RelationshipCreate = Omit<z.output<typeof relationshipCreateSchema>, "branch"> & { branch?: string };

export const relationshipCreateManySchema = z.strictObject({
  relationships: z.array(relationshipCreateSchema).min(1).max(MAX_CREATE_MANY, `at most ${MAX_CREATE_MANY} relationships per call`),
});

/** One relationship as a branch sees it. */
export const relationshipIdInputSchema = z.strictObject({ id: relationshipIdSchema, ...inBranch });

/** Changes a relationship's tags, energy or documents (JSON Merge Patch); its ends never change (delete it and relate anew). */
export const relationshipUpdateSchema = z.strictObject({
  id: relationshipIdSchema,
  tags: tagsSchema.optional(),
  energy_level: energySchema.optional(),
  genesis: patchDocument("genesis").optional(),
  attributes: patchDocument("attributes").optional(),
  ...inBranch,
});
export type RelationshipUpdateInput = z.input<typeof relationshipUpdateSchema>;
export type RelationshipUpdate = Omit<z.output<typeof relationshipUpdateSchema>, "branch"> & { branch?: string };

export const relationshipListSchema = z
  .strictObject({
    source_soul: soulSchema.optional(),
    target_soul: soulSchema.optional(),
    tags_any: z.array(tagSchema).max(MAX_TAGS).optional(),
    tags_all: z.array(tagSchema).max(MAX_TAGS).optional(),
    ...energyRange,
    ...pageSchema,
    ...inBranch,
  })
  .superRefine(checkRange);
export type RelationshipListInput = z.input<typeof relationshipListSchema>;
export type RelationshipList = Omit<z.output<typeof relationshipListSchema>, "branch"> & { branch?: string };

export const directionSchema = z.enum(["in", "out", "both"], { message: 'direction is "in", "out" or "both"' });
export type Direction = z.infer<typeof directionSchema>;

export const neighborsSchema = z.strictObject({
  soul: soulSchema,
  depth: z.number().int().min(1).max(MAX_NEIGHBOR_DEPTH, `depth is at most ${MAX_NEIGHBOR_DEPTH}`).default(1),
  direction: directionSchema.default("both"),
  ...inBranch,
});
export type NeighborsInput = z.input<typeof neighborsSchema>;

export const pathSchema = z.strictObject({
  from: soulSchema,
  to: soulSchema,
  max_depth: z.number().int().min(1).max(MAX_PATH_DEPTH, `max_depth is at most ${MAX_PATH_DEPTH}`).default(MAX_PATH_DEPTH),
  direction: directionSchema.default("out"),
  ...inBranch,
});
export type PathInput = z.input<typeof pathSchema>;

// ---------------------------------------------------------------- answers

export interface Being {
  soul: string;
  tags: string[];
  energy_level: number;
  genesis: JsonObject;
  attributes: JsonObject;
  memories: JsonObject;
  self_awareness: JsonObject;
  branches: string[];
  has_embedding: boolean;
  core: boolean;
  created_at: string;
  updated_at: string;
}

export interface Relationship {
  id: string;
  tags: string[];
  energy_level: number;
  source_soul: string;
  target_soul: string;
  genesis: JsonObject;
  attributes: JsonObject;
  branches: string[];
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface NeighborNode {
  soul: string;
  name: string;
  tags: string[];
  energy_level: number;
  depth: number;
}

export interface Neighborhood {
  center: string;
  nodes: NeighborNode[];
  edges: Relationship[];
  truncated: boolean;
}

export interface GraphPath {
  found: boolean;
  souls: string[];
  relationships: Relationship[];
}

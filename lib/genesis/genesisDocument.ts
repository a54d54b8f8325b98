import { z } from "zod";
import { MAX_NAME_LENGTH } from "../constants";
import type { JsonObject } from "../jsonMergePatch";
import { CAPABILITIES, type Capability } from "../sandbox/protocol";
import { MAX_SOURCE_BYTES } from "./constants";

/** What a being is (seed 001): a class, a callable function, a kernel, a runtime. */
export const BEING_TYPES = ["class", "function", "kernel", "runtime"] as const;
export type BeingType = (typeof BEING_TYPES)[number];

/** The language a being's source is written in. */
export const LANGUAGES = ["python", "lux"] as const;
export type Language = (typeof LANGUAGES)[number];

const encoder = new TextEncoder();

export const sourceSchema = z
  .string({ message: "source must be text" })
  .refine((s) => encoder.encode(s).length <= MAX_SOURCE_BYTES, `source is larger than ${MAX_SOURCE_BYTES / 1024} KB; split it into several beings`);

export const beingTypeSchema = z.enum(BEING_TYPES, { message: `type is one of ${BEING_TYPES.join(", ")}` });
export const languageSchema = z.enum(LANGUAGES, { message: `language is one of ${LANGUAGES.join(", ")}` });

/** One line of a being's history, as the genesis document lists it. */
export interface VersionSummary {
  readonly version: number;
  /** `snapshot`: stored whole; `diff`: stored as the change from the version before. */
  readonly stored: "snapshot" | "diff";
  readonly added: number;
  readonly removed: number;
  readonly at: string;
  readonly message: string | null;
}

/**
 * A being's genesis (seed 001): its source, name, type, language, ancestors (oldest first), version
 * history and meta. It lives in `base_beings.genesis`; the master keeps every version's body beside it.
 */
export interface Genesis {
  readonly name: string;
  readonly type: BeingType;
  readonly language: Language;
  readonly source: string;
  /** Souls, oldest first: the parent is the last. */
  readonly ancestors: readonly string[];
  /** The newest version's number; 0 for a being that never had source. */
  readonly version: number;
  readonly versions: readonly VersionSummary[];
  readonly meta: JsonObject;
  readonly core: boolean;
}

const versionSummarySchema = z.object({
  version: z.number().int().min(1),
  stored: z.enum(["snapshot", "diff"]),
  added: z.number().int().min(0),
  removed: z.number().int().min(0),
  at: z.string(),
  message: z.string().nullable().catch(null),
});

/**
 * Reads whatever a being's `genesis` column holds as a `Genesis`, filling what is missing: beings
 * created before genesis (or by hand) have no source, type or versions yet. Never throws.
 */
export function readGenesis(doc: JsonObject): Genesis {
  const str = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);
  const type = beingTypeSchema.safeParse(doc["type"]);
  const language = languageSchema.safeParse(doc["language"]);
  const ancestors = Array.isArray(doc["ancestors"]) ? doc["ancestors"].filter((a): a is string => typeof a === "string") : [];
  const versions = Array.isArray(doc["versions"]) ? doc["versions"].flatMap((v) => versionSummarySchema.safeParse(v).data ?? []) : [];
  const meta = doc["meta"];
  const version = doc["version"];
  return {
    name: str(doc["name"], "(unnamed)").slice(0, MAX_NAME_LENGTH),
    type: type.success ? type.data : "class",
    language: language.success ? language.data : "python",
    source: str(doc["source"], ""),
    ancestors,
    version: typeof version === "number" && Number.isInteger(version) && version >= 0 ? version : (versions.at(-1)?.version ?? 0),
    versions,
    meta: meta && typeof meta === "object" && !Array.isArray(meta) ? meta : {},
    core: doc["core"] === true,
  };
}

/** The genesis as a JSON document for `base_beings.genesis`. */
export function genesisToJson(g: Genesis): JsonObject {
  return {
    name: g.name,
    type: g.type,
    language: g.language,
    source: g.source,
    ancestors: [...g.ancestors],
    version: g.version,
    versions: g.versions.map((v) => ({ ...v })),
    meta: g.meta,
    ...(g.core ? { core: true } : {}),
  };
}

/** What a being may do from its code (`genesis.meta.capabilities`); every capability when it says nothing. */
export function capabilitiesOf(g: Genesis): Capability[] {
  const listed = g.meta["capabilities"];
  if (!Array.isArray(listed)) return [...CAPABILITIES];
  return CAPABILITIES.filter((c) => listed.includes(c));
}

import { z } from "zod";
import { SNAPSHOT_EVERY, VERSIONS_IN_RECORD } from "./constants";
import type { Genesis, VersionSummary } from "./genesisDocument";
import { applyOps, diffOps, type DiffOp } from "./lineDiff";

/** One stored version of a being's source: whole (`snapshot`) or as the diff from the version before. */
export type VersionRecord = VersionSummary & { readonly body: { readonly source: string } | { readonly ops: readonly DiffOp[] } };

const diffOpSchema = z.union([
  z.tuple([z.literal("="), z.number().int().min(0)]),
  z.tuple([z.literal("-"), z.number().int().min(0)]),
  z.tuple([z.literal("+"), z.string()]),
]);

/** A version record as it crosses a boundary (the master's rows, an exported file). */
export const versionRecordSchema = z
  .strictObject({
    version: z.number().int().min(1),
    stored: z.enum(["snapshot", "diff"]),
    added: z.number().int().min(0),
    removed: z.number().int().min(0),
    at: z.string().min(1),
    message: z.string().max(500).nullable(),
    body: z.union([z.strictObject({ source: z.string() }), z.strictObject({ ops: z.array(diffOpSchema) })]),
  })
  .refine((r) => (r.stored === "snapshot") === "source" in r.body, { message: "a snapshot holds source, a diff holds ops" }) as z.ZodType<VersionRecord>;

/** Whether version `n` is stored whole: the first, and every SNAPSHOT_EVERY after it. */
export function isSnapshotVersion(n: number): boolean {
  return (n - 1) % SNAPSHOT_EVERY === 0;
}

/** The record for the version after `previous` (whose text is `previousSource`; 0 and "" for the first). */
export function nextVersion(previous: number, previousSource: string, source: string, at: string, message: string | null): VersionRecord {
  const version = previous + 1;
  const { ops, stats } = diffOps(previousSource, source);
  const base = { version, added: stats.added, removed: stats.removed, at, message };
  return isSnapshotVersion(version) ? { ...base, stored: "snapshot", body: { source } } : { ...base, stored: "diff", body: { ops } };
}

export class ReconstructError extends Error {
  override name = "ReconstructError";
  constructor(
    readonly reason: "missing_version" | "corrupt",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Rebuilds version `version` exactly from stored records: the nearest snapshot at or before it, then
 * each diff after that in order. `records` may be any superset of what is needed, in any order.
 */
export function reconstruct(records: readonly VersionRecord[], version: number): string {
  const byVersion = new Map(records.map((r) => [r.version, r]));
  if (!byVersion.has(version)) throw new ReconstructError("missing_version", `Version ${version} does not exist: pick one of the versions the history lists.`);
  let start = version;
  while (byVersion.get(start)?.stored !== "snapshot") {
    start--;
    if (!byVersion.has(start)) throw new ReconstructError("corrupt", `Version ${start} is missing from the history, so version ${version} cannot be rebuilt.`);
  }
  let text = "";
  for (let v = start; v <= version; v++) {
    const body = byVersion.get(v)!.body;
    try {
      text = "source" in body ? body.source : applyOps(text, body.ops);
    } catch (error) {
      throw new ReconstructError("corrupt", `Version ${v} does not apply to version ${v - 1} (${(error as Error).message}).`);
    }
  }
  return text;
}

/** The summary of a record, as the genesis document lists it. */
export function summarize(r: VersionRecord): VersionSummary {
  return { version: r.version, stored: r.stored, added: r.added, removed: r.removed, at: r.at, message: r.message };
}

/** The genesis after `record` became its newest version. */
export function withVersion(g: Genesis, record: VersionRecord, source: string): Genesis {
  return { ...g, source, version: record.version, versions: [...g.versions, summarize(record)].slice(-VERSIONS_IN_RECORD) };
}

/**
 * Rebuilding a being's master record from its journal (server/db/migrations/0008_timeline.sql):
 * a state is the being's row in each branch; entries apply one transaction at a time.
 */
import { isCoreSoul } from "../coreBeings";
import type { Json, JsonObject } from "../jsonMergePatch";
import type { Being } from "../schemas";

/** One change of a base_beings row, as the journal trigger wrote it. */
export interface JournalEntry {
  readonly seq: number;
  readonly soul: string;
  readonly op: "I" | "U" | "D";
  /** The row's branches after the change (I, U) or before it (D). */
  readonly branches: readonly string[];
  /** U that moved the row between branches: the branches before (and `change` is the whole row). */
  readonly old_branches: readonly string[] | null;
  readonly tx: number;
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly trace: string | null;
  /** I (and U with old_branches): the whole row; U: the changed columns; D: null. */
  readonly change: JsonObject | null;
}

/** A row of base_beings as the journal carries it: every column, `embedding` as a present-or-not flag. */
export type BeingImage = JsonObject;

/** A being's rows by branch at one moment; a branch it is not in has no key. */
export type BeingState = Readonly<Record<string, BeingImage>>;

/**
 * Applies journal entries (in seq order) to a state and returns the new state; `state` is not changed.
 * NOTE: within one transaction, the branches a row left are dropped before any row takes them, so a
 * rewrite that inserts the new version before retiring the old one replays the same as the other way round.
 */
export function applyJournal(state: BeingState, entries: readonly JournalEntry[]): BeingState {
  const next: Record<string, BeingImage> = { ...state };
  let i = 0;
  while (i < entries.length) {
    let end = i;
    while (end < entries.length && entries[end]!.tx === entries[i]!.tx) end++;
    const group = entries.slice(i, end);
    for (const e of group) {
      if (e.op === "D") for (const b of e.branches) delete next[b];
      else if (e.old_branches) for (const b of e.old_branches) if (!e.branches.includes(b)) delete next[b];
    }
    for (const e of group) {
      if (e.op === "D" || !e.change) continue;
      if (e.op === "I" || e.old_branches) {
        for (const b of e.branches) next[b] = e.change;
      } else {
        for (const b of e.branches) {
          const row = next[b];
          if (row) next[b] = { ...row, ...e.change };
        }
      }
    }
    i = end;
  }
  return next;
}

/** The end of the transaction that `entries[index]` belongs to (exclusive), so a replay never stops inside one. */
export function transactionEnd(entries: readonly JournalEntry[], index: number): number {
  let end = index + 1;
  while (end < entries.length && entries[end]!.tx === entries[index]!.tx) end++;
  return end;
}

// to_jsonb writes a timestamp without time zone as 2025-01-02T03:04:05.12 (fraction trimmed); the API writes six digits and a Z.
function isoMicros(value: Json | undefined): string {
  if (typeof value !== "string") return "";
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?/.exec(value);
  return match ? `${match[1]}.${(match[2] ?? "").padEnd(6, "0")}Z` : value;
}

const objectOr = (value: Json | undefined): JsonObject => (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {});
const strings = (value: Json | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** A journal row image as the API shows a being (beings.get); columns the API does not know are left out. */
export function imageToBeing(image: BeingImage): Being {
  const soul = typeof image["soul"] === "string" ? image["soul"] : "";
  return {
    soul,
    tags: strings(image["tags"]),
    energy_level: typeof image["energy_level"] === "number" ? image["energy_level"] : 0,
    genesis: objectOr(image["genesis"]),
    attributes: objectOr(image["attributes"]),
    memories: objectOr(image["memories"]),
    self_awareness: objectOr(image["self_awareness"]),
    branches: strings(image["branches"]),
    has_embedding: image["embedding"] === true,
    core: isCoreSoul(soul),
    created_at: isoMicros(image["created_at"]),
    updated_at: isoMicros(image["updated_at"]),
  };
}

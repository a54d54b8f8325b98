/**
 * Rebuilding a being from the master's journals (server/db/migrations/0008_timeline.sql, 0012_journal_all.sql):
 * a state is the being's base row in each branch, its copy-on-write versions by branch, and the relationships
 * touching it; entries of both journals share one sequence and apply one transaction at a time.
 */
import { isCoreSoul } from "../coreBeings";
import type { Json, JsonObject } from "../jsonMergePatch";
import type { Being, Relationship } from "../schemas";

/** One change of a base_beings row (layer base) or a being_versions row (layer version), as the journal trigger wrote it. */
export interface JournalEntry {
  readonly seq: number;
  readonly soul: string;
  readonly op: "I" | "U" | "D";
  /** `base`: the being's row in base_beings; `version`: a branch's copy-on-write version in being_versions. */
  readonly layer: "base" | "version";
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

/** One change of a relationships row, as its journal trigger wrote it. */
export interface RelationshipEntry {
  readonly seq: number;
  /** The relationship's id. */
  readonly id: string;
  readonly op: "I" | "U" | "D";
  /** The ends after the change (I, U) or before it (D). */
  readonly source_soul: string;
  readonly target_soul: string;
  /** U that moved an end: the ends before (and `change` is the whole row). */
  readonly old_source_soul: string | null;
  readonly old_target_soul: string | null;
  readonly tx: number;
  readonly at: string;
  readonly trace: string | null;
  readonly change: JsonObject | null;
}

/** An entry of either journal, tagged with which. */
export type TimelineEntry = ({ readonly journal: "being" } & JournalEntry) | ({ readonly journal: "relationship" } & RelationshipEntry);

/** A row of base_beings or being_versions as the journal carries it: every column, `embedding` as a present-or-not flag. */
export type BeingImage = JsonObject;
/** A relationships row as to_jsonb writes it (whatever columns the table has). */
export type RelationshipImage = JsonObject;

/** Everything a being was at one moment. */
export interface BeingState {
  /** Its base_beings row under each branch the row is tagged with; a branch it is not in has no key. */
  readonly rows: Readonly<Record<string, BeingImage>>;
  /** Its copy-on-write versions by branch (a `deleted` one is a tombstone: gone from that branch). */
  readonly versions: Readonly<Record<string, BeingImage>>;
  /** Relationships touching it (either end), by id. */
  readonly relationships: Readonly<Record<string, RelationshipImage>>;
}

export const EMPTY_STATE: BeingState = { rows: {}, versions: {}, relationships: {} };

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads a stored snapshot's state, including the shape of snapshots made before versions and relationships were journaled (rows only). */
export function parseState(value: unknown): BeingState {
  if (!isObject(value)) return EMPTY_STATE;
  if (isObject(value["rows"]) && isObject(value["versions"]) && isObject(value["relationships"])) {
    return value as unknown as BeingState;
  }
  return { ...EMPTY_STATE, rows: value as Record<string, BeingImage> };
}

/**
 * Applies entries (in seq order) to a state and returns the new state; `state` is not changed.
 * NOTE: within one transaction, the branches a row left are dropped before any row takes them, so a
 * rewrite that inserts the new version before retiring the old one replays the same as the other way round.
 */
export function applyJournal(state: BeingState, entries: readonly (JournalEntry | TimelineEntry)[]): BeingState {
  const layers = { base: { ...state.rows }, version: { ...state.versions } };
  const relationships: Record<string, RelationshipImage> = { ...state.relationships };
  let i = 0;
  while (i < entries.length) {
    const end = transactionEnd(entries, i);
    const group = entries.slice(i, end);
    for (const b of group) {
      if (isRelationshipEntry(b)) continue;
      const rows = layers[b.layer];
      if (b.op === "D") for (const branch of b.branches) delete rows[branch];
      else if (b.old_branches) for (const branch of b.old_branches) if (!b.branches.includes(branch)) delete rows[branch];
    }
    for (const b of group) {
      if (isRelationshipEntry(b)) {
        applyRelationship(relationships, b);
        continue;
      }
      if (b.op === "D" || !b.change) continue;
      const rows = layers[b.layer];
      if (b.op === "I" || b.old_branches) {
        for (const branch of b.branches) rows[branch] = b.change;
      } else {
        for (const branch of b.branches) {
          const row = rows[branch];
          if (row) rows[branch] = { ...row, ...b.change };
        }
      }
    }
    i = end;
  }
  return { rows: layers.base, versions: layers.version, relationships };
}

function isRelationshipEntry(e: JournalEntry | TimelineEntry): e is Extract<TimelineEntry, { journal: "relationship" }> {
  return "journal" in e && e.journal === "relationship";
}

function applyRelationship(relationships: Record<string, RelationshipImage>, e: RelationshipEntry): void {
  if (e.op === "D") delete relationships[e.id];
  else if (e.op === "I" || e.old_source_soul !== null || e.old_target_soul !== null) relationships[e.id] = e.change ?? {};
  else {
    const row = relationships[e.id];
    if (row && e.change) relationships[e.id] = { ...row, ...e.change };
  }
}

/** The state with only the relationships that touch `soul` (what a snapshot of that being keeps). */
export function touching(state: BeingState, soul: string): BeingState {
  const relationships = Object.fromEntries(Object.entries(state.relationships).filter(([, r]) => r["source_soul"] === soul || r["target_soul"] === soul));
  return { ...state, relationships };
}

/** The end of the transaction that `entries[index]` belongs to (exclusive), so a replay never stops inside one. */
export function transactionEnd(entries: readonly { readonly tx: number }[], index: number): number {
  let end = index + 1;
  while (end < entries.length && entries[end]!.tx === entries[index]!.tx) end++;
  return end;
}

/** A column of an image that holds text (an id, a soul), or "" when it does not. */
export const textOf = (value: Json | undefined): string => (typeof value === "string" ? value : "");
const strings = (value: Json | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** How near a row's branch is in a visible set (its first tag, as server/db/versions.ts ranks rows); not visible: Infinity. */
function rank(visible: readonly string[], branch: Json | undefined): number {
  const at = typeof branch === "string" ? visible.indexOf(branch) : -1;
  return at < 0 ? Infinity : at;
}

/**
 * The row a branch saw, as server/db/versions.ts resolves it now: among the being's versions in the
 * visible set (`visible`: the branch, then its ancestors or subscriptions) and its base row when that is
 * tagged with any of them, the nearest; null when there is none or the nearest is a tombstone.
 */
export function rowIn(state: BeingState, visible: readonly string[]): BeingImage | null {
  const versionAt = visible.findIndex((b) => state.versions[b] !== undefined);
  const base = visible.map((b) => state.rows[b]).find((r) => r !== undefined);
  const baseRank = base ? rank(visible, strings(base["branches"])[0]) : Infinity;
  const best = versionAt >= 0 && (!base || versionAt <= baseRank) ? state.versions[visible[versionAt]!]! : base;
  return best && best["deleted"] !== true ? best : null;
}

/** The relationships touching a being that a branch saw: rows tagged with a visible branch, a branch's version of one (version_of) over the original. */
export function relationshipsIn(state: BeingState, visible: readonly string[]): RelationshipImage[] {
  const chosen = new Map<string, { row: RelationshipImage; rank: number }>();
  for (const row of Object.values(state.relationships)) {
    const tags = strings(row["branches"]);
    if (!tags.some((t) => visible.includes(t))) continue;
    const key = typeof row["version_of"] === "string" ? row["version_of"] : textOf(row["id"]);
    const r = rank(visible, tags[0]);
    const had = chosen.get(key);
    if (!had || r < had.rank) chosen.set(key, { row, rank: r });
  }
  return [...chosen.values()]
    .map((c) => c.row)
    .filter((row) => row["deleted"] !== true)
    .sort((a, b) => textOf(a["id"]).localeCompare(textOf(b["id"])));
}

// to_jsonb writes a timestamp without time zone as 2025-01-02T03:04:05.12 (fraction trimmed); the API writes six digits and a Z.
function isoMicros(value: Json | undefined): string {
  if (typeof value !== "string") return "";
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?/.exec(value);
  return match ? `${match[1]}.${(match[2] ?? "").padEnd(6, "0")}Z` : value;
}

const objectOr = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});

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

/** A relationship image as the API shows one (relationships.get); columns the API does not know are left out. */
export function imageToRelationship(image: RelationshipImage): Relationship {
  const text = (value: Json | undefined) => (typeof value === "string" ? value : "");
  return {
    id: text(image["id"]),
    tags: strings(image["tags"]),
    energy_level: typeof image["energy_level"] === "number" ? image["energy_level"] : 0,
    source_soul: text(image["source_soul"]),
    target_soul: text(image["target_soul"]),
    genesis: objectOr(image["genesis"]),
    attributes: objectOr(image["attributes"]),
    branches: strings(image["branches"]),
    created_at: isoMicros(image["created_at"]),
    updated_at: isoMicros(image["updated_at"]),
  };
}

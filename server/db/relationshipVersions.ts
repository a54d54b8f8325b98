import "../serverOnly";
import { MAIN_BRANCH } from "../../lib/constants";
import type { Relationship } from "../../lib/schemas";
import type { BranchView } from "./branchViews";
import type { SqlExecutor } from "./driver";
import { notFound, RELATIONSHIP_COLUMNS } from "./sql";
import { visibleRows } from "./versions";

/**
 * Copy-on-write versions of relationships (issue 8, migration 0011): which row of a relationship
 * a branch sees, and where a branch's write goes. A relationship's id (`rid`) is its original
 * row's id; a branch's version of it is another row of `relationships` with `version_of = rid`.
 * A branch sees, per rid, the row of the nearest branch in its visible set, and only while both
 * of its ends are beings the branch sees.
 */

/** One visible row of a relationship, with where it lives. `id` is the relationship's id (rid), `row_id` the row's own. */
export interface VisibleRelationship extends Relationship {
  row_id: string;
  /** The branch that owns the row (its first tag). */
  home: string;
  /** A bigint, as text. */
  row_version: string;
  /** A version that deletes the relationship in its branch. */
  deleted: boolean;
  /** `base`: a row without version_of (main's, or created in a branch); `version`: a copy-on-write version. */
  source: "base" | "version";
}

/** The columns of a visible row, the relationship's id being `coalesce(version_of, id)`. */
const VISIBLE_COLUMNS = RELATIONSHIP_COLUMNS.replace("id::text AS id", "coalesce(version_of, id)::text AS id");
export const VISIBLE_RELATIONSHIP_COLUMNS = `${VISIBLE_COLUMNS}, id::text AS row_id, branches[1] AS home, row_version::text AS row_version, deleted,
  CASE WHEN version_of IS NULL THEN 'base' ELSE 'version' END AS source`;

/** Rank of a row's branch in the visible set `v` (nearest first); rows whose first tag is not visible rank last. */
export const relRank = (v: string, alias = "") => `coalesce(array_position(${v}::text[], ${alias}branches[1]), 2147483647)`;

/**
 * SQL selecting, among the rows matching `where` (which must keep every row of each relationship
 * it keeps: a filter on ids via `rid`, or on the ends, which versions share), the row each
 * relationship shows in the view `$v`. Deletions are included (as `deleted`).
 */
export function visibleRelationshipsSql(where: string, v: string): string {
  return `SELECT DISTINCT ON (id) * FROM (
      SELECT ${VISIBLE_RELATIONSHIP_COLUMNS}, ${relRank(v)} AS rank
      FROM relationships WHERE (${where}) AND branches && ${v}::text[]
    ) u ORDER BY id, rank`;
}

function strip(row: VisibleRelationship & { rank?: number }): VisibleRelationship {
  const { rank: _rank, ...rest } = row;
  return rest;
}

/** The relationship as stored, without where it lives. */
export function toRelationship(row: VisibleRelationship): Relationship {
  const { row_id: _r, home: _h, row_version: _v, deleted: _d, source: _s, ...rel } = row;
  return rel;
}

/** The rows the relationships `ids` show in a view (deletions included); ones it cannot see are absent. Ends are not checked. */
export async function visibleRelationships(q: SqlExecutor, view: BranchView, ids: readonly string[]): Promise<Map<string, VisibleRelationship>> {
  if (ids.length === 0) return new Map();
  const rows =
    view.id === MAIN_BRANCH
      ? await q.query<VisibleRelationship>(
          `SELECT ${VISIBLE_RELATIONSHIP_COLUMNS} FROM relationships WHERE id = ANY($1::uuid[]) AND version_of IS NULL AND 'main' = ANY(branches)`,
          [ids],
        )
      : await q.query<VisibleRelationship>(visibleRelationshipsSql("id = ANY($1::uuid[]) OR version_of = ANY($1::uuid[])", "$2"), [ids, view.visible]);
  return new Map(rows.map((r) => [r.id, strip(r)]));
}

/** Of `souls`, the ones the view shows as living beings. */
export async function livingSouls(q: SqlExecutor, view: BranchView, souls: Iterable<string>): Promise<Set<string>> {
  const rows = await visibleRows(q, view, [...new Set(souls)]);
  return new Set([...rows.values()].filter((r) => !r.deleted).map((r) => r.soul));
}

/** Keeps the relationships whose both ends the view shows (a branch that deleted a being hides its relationships). */
export async function withLivingEnds<T extends { source_soul: string; target_soul: string }>(q: SqlExecutor, view: BranchView, rels: T[]): Promise<T[]> {
  if (view.id === MAIN_BRANCH || rels.length === 0) return rels;
  const living = await livingSouls(
    q,
    view,
    rels.flatMap((r) => [r.source_soul, r.target_soul]),
  );
  return rels.filter((r) => living.has(r.source_soul) && living.has(r.target_soul));
}

/** The relationship as the view shows it; NOT_FOUND when it cannot see it, the branch deleted it, or it hides an end. */
export async function getVisibleRelationship(q: SqlExecutor, view: BranchView, id: string): Promise<VisibleRelationship> {
  const row = (await visibleRelationships(q, view, [id])).get(id);
  if (!row || row.deleted || (await withLivingEnds(q, view, [row])).length === 0) throw notFound("Relationship", id);
  return row;
}

/** The SQL predicate that picks a branch's own row of relationship `$rid` (`branchParam` holds the branch id). */
export function ownRelationshipPredicate(rid: string, branchParam: string): string {
  return `(id = ${rid}::uuid OR version_of = ${rid}::uuid) AND branches = ARRAY[${branchParam}::text]`;
}

/**
 * Copies the row a branch sees into a new version of its own (copy-on-write of that one
 * relationship), remembering the row version it came from as the merge base.
 */
export async function copyRelationshipOnWrite(q: SqlExecutor, view: BranchView, row: VisibleRelationship, options: { deleted?: boolean } = {}): Promise<void> {
  await q.query(
    `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, created_at, branches, version_of, deleted, base_row_version)
     SELECT $1::uuid, tags, energy_level, source_soul, target_soul, genesis, attributes, created_at, ARRAY[$2::text], $3::uuid, $4::boolean, row_version
     FROM relationships WHERE id = $5::uuid`,
    [crypto.randomUUID(), view.id, row.id, options.deleted ?? false, row.row_id],
  );
}

import "../serverOnly";
import { MAIN_BRANCH } from "../../lib/constants";
import type { SqlExecutor } from "./driver";
import type { BranchView } from "./branchViews";
import { BEING_COLUMNS, notFound, toBeing, type BeingRow } from "./sql";
import type { Being } from "../../lib/schemas";

/**
 * Copy-on-write versions of beings (issue 8): which row of a soul a branch sees, and where a
 * branch's write goes. main's rows are base_beings rows tagged main; a branch sees, per soul, the
 * row of the nearest branch in its visible set, from being_versions (its changes) or base_beings.
 */

/** One visible row of a soul, with where it lives. */
export interface VisibleRow extends BeingRow {
  /** `base`: a base_beings row; `version`: a being_versions row. */
  source: "base" | "version";
  /** The branch that owns the row (its first tag). */
  home: string;
  /** A bigint, as text. */
  row_version: string;
  /** A version that deletes the being in its branch. */
  deleted: boolean;
}

/** Rank of a row's branch in the visible set `$v` (nearest first); base rows whose first tag is not visible rank last. */
const rank = (v: string) => `coalesce(array_position(${v}::text[], branches[1]), 2147483647)`;

/** SQL selecting, for the souls in `$souls`, the row each one shows in the view `$v`. */
export function visibleRowsSql(souls: string, v: string): string {
  return `SELECT DISTINCT ON (soul) * FROM (
      SELECT ${BEING_COLUMNS}, row_version::text AS row_version, branches[1] AS home, 'version' AS source, deleted, ${rank(v)} AS rank
        FROM being_versions WHERE soul = ANY(${souls}::uuid[]) AND branches && ${v}::text[]
      UNION ALL
      SELECT ${BEING_COLUMNS}, row_version::text, branches[1], 'base', false, ${rank(v)}
        FROM base_beings WHERE soul = ANY(${souls}::uuid[]) AND branches && ${v}::text[]
    ) u ORDER BY soul, rank`;
}

/** The row each soul shows in a view (deletions included, as `deleted`); souls the view cannot see are absent. */
export async function visibleRows(q: SqlExecutor, view: BranchView, souls: readonly string[]): Promise<Map<string, VisibleRow>> {
  if (souls.length === 0) return new Map();
  const rows =
    view.id === MAIN_BRANCH
      ? await q.query<VisibleRow>(
          `SELECT ${BEING_COLUMNS}, row_version::text AS row_version, 'main' AS home, 'base' AS source, false AS deleted
           FROM base_beings WHERE soul = ANY($1::uuid[]) AND 'main' = ANY(branches)`,
          [souls],
        )
      : await q.query<VisibleRow>(visibleRowsSql("$1", "$2"), [souls, view.visible]);
  return new Map(rows.map((r) => [r.soul, r]));
}

/** The being as the view shows it; NOT_FOUND when it cannot see it or the branch deleted it. */
export async function getVisible(q: SqlExecutor, view: BranchView, soul: string): Promise<Being> {
  const row = (await visibleRows(q, view, [soul])).get(soul);
  if (!row || row.deleted) throw notFound("Being", soul);
  return toVisibleBeing(row);
}

export function toVisibleBeing(row: VisibleRow): Being {
  const { source: _source, home: _home, row_version: _rv, deleted: _deleted, ...being } = row as VisibleRow & { rank?: number };
  delete (being as { rank?: number }).rank;
  return toBeing(being);
}

/** Where a write of `row`'s soul in `view` goes: the branch's own row, or a new copy-on-write version. */
export function ownsRow(view: BranchView, row: VisibleRow): boolean {
  return row.home === view.id;
}

/** The SQL predicate that picks a branch's own row of a soul, in base_beings or being_versions (`branchParam` holds the branch id). */
export function ownRowPredicate(branchParam: string): string {
  return `branches = ARRAY[${branchParam}::text]`;
}

/**
 * Copies the row a branch sees into a new version of its own (copy-on-write of that one being),
 * remembering the row version it came from as the merge base. Returns nothing: the caller patches it next.
 */
export async function copyOnWrite(q: SqlExecutor, view: BranchView, row: VisibleRow, options: { deleted?: boolean } = {}): Promise<void> {
  // NOTE: a source version belongs to an ancestor or a subscription; its first tag is its branch.
  const from = row.source === "base" ? `base_beings WHERE soul = $1::uuid` : `being_versions WHERE soul = $1::uuid AND branches = ARRAY[$4::text]`;
  await q.query(
    `INSERT INTO being_versions (soul, tags, energy_level, genesis, attributes, memories, self_awareness, created_at, branches, embedding, deleted, base_row_version)
     SELECT soul, tags, energy_level, genesis, attributes, memories, self_awareness, created_at, ARRAY[$2::text], embedding, $3::boolean, row_version
     FROM ${from}`,
    row.source === "base" ? [row.soul, view.id, options.deleted ?? false] : [row.soul, view.id, options.deleted ?? false, row.home],
  );
}

import "../serverOnly";
import type { RelationshipMergeCounts, RelationshipMergeItem, RelationshipResolution } from "../../lib/branches/schemas";
import { MAIN_BRANCH } from "../../lib/constants";
import type { BranchView } from "./branchViews";
import type { SqlExecutor } from "./driver";
import {
  copyRelationshipOnWrite,
  livingSouls,
  toRelationship,
  visibleRelationships,
  VISIBLE_RELATIONSHIP_COLUMNS,
  type VisibleRelationship,
} from "./relationshipVersions";
import { json } from "./sql";

/**
 * The relationships half of a merge (server/db/branches.ts does the beings): what a branch changed
 * against what its parent shows now, with conflicts, and applying the chosen changes.
 */

interface BranchRow extends VisibleRelationship {
  base_row_version: string | null;
}

export interface RelationshipPlan {
  items: RelationshipMergeItem[];
  /** The branch's own row of each relationship in `items`, by relationship id. */
  theirs: Map<string, BranchRow>;
  /** What the parent shows now, by relationship id. */
  ours: Map<string, VisibleRelationship>;
}

/** Every relationship the branch created, changed or deleted, against what `into` shows now. */
export async function planRelationships(tx: SqlExecutor, branch: string, into: BranchView): Promise<RelationshipPlan> {
  const rows = await tx.query<BranchRow>(
    `SELECT ${VISIBLE_RELATIONSHIP_COLUMNS}, base_row_version::text AS base_row_version FROM relationships
     WHERE branches = ARRAY[$1::text] ORDER BY created_at, coalesce(version_of, id)`,
    [branch],
  );
  const versions = rows.filter((r) => r.source === "version");
  const ours = await visibleRelationships(
    tx,
    into,
    versions.map((v) => v.id),
  );
  const named = await tx.query<{ soul: string; name: string | null }>(
    "SELECT soul::text AS soul, genesis ->> 'name' AS name FROM base_beings WHERE soul = ANY($1::uuid[])",
    [[...new Set(rows.flatMap((r) => [r.source_soul, r.target_soul]))]],
  );
  const names = new Map(named.map((n) => [n.soul, n.name]));
  const ends = (row: BranchRow) => ({
    source_soul: row.source_soul,
    target_soul: row.target_soul,
    source_name: names.get(row.source_soul) ?? row.source_soul,
    target_name: names.get(row.target_soul) ?? row.target_soul,
  });
  const items: RelationshipMergeItem[] = rows.map((row) => {
    const { base_row_version: base, ...visible } = row;
    const theirs = row.deleted ? null : toRelationship(visible);
    if (row.source === "base") return { id: row.id, ...ends(row), change: "created", conflict: false, ours: null, theirs };
    const o = ours.get(row.id);
    const alive = o !== undefined && !o.deleted;
    const moved = o !== undefined && o.row_version !== base;
    return {
      id: row.id,
      ...ends(row),
      change: row.deleted ? "deleted" : "changed",
      // Changed on both sides since the branch copied it; or deleted on one side and changed (or kept) on the other.
      conflict: row.deleted ? alive && moved : !alive || moved,
      ours: alive ? toRelationship(o) : null,
      theirs,
    };
  });
  return { items, theirs: new Map(rows.map((r) => [r.id, r])), ours };
}

/**
 * The relationship changes a merge takes: all (deep) or those touching a chosen being (shallow),
 * and of those only the ones whose both ends exist in the parent once the beings are merged
 * (`arriving`: the beings the merge moves into it).
 */
export async function chooseRelationships(
  tx: SqlExecutor,
  into: BranchView,
  items: RelationshipMergeItem[],
  options: { deep: boolean; chosenSouls: ReadonlySet<string>; arriving: ReadonlySet<string> },
): Promise<RelationshipMergeItem[]> {
  const touching = options.deep ? items : items.filter((i) => options.chosenSouls.has(i.source_soul) || options.chosenSouls.has(i.target_soul));
  const living = await livingSouls(
    tx,
    into,
    touching.flatMap((i) => [i.source_soul, i.target_soul]),
  );
  const exists = (soul: string) => living.has(soul) || options.arriving.has(soul);
  return touching.filter((i) => exists(i.source_soul) && exists(i.target_soul));
}

/** Applies the chosen relationship changes of `branch` to `into` (conflicts resolved as given; "theirs" when none is). */
export async function applyRelationships(
  tx: SqlExecutor,
  branch: string,
  into: BranchView,
  plan: RelationshipPlan,
  selected: RelationshipMergeItem[],
  resolutions: Record<string, RelationshipResolution>,
): Promise<RelationshipMergeCounts> {
  const counts: RelationshipMergeCounts = { applied: 0, created: 0, deleted: 0, kept_ours: 0 };
  const created: string[] = [];
  const merged: string[] = [];
  for (const item of selected) {
    const theirs = plan.theirs.get(item.id)!;
    if (item.change === "created") {
      created.push(theirs.row_id);
      counts.created++;
      continue;
    }
    merged.push(theirs.row_id);
    const resolution = resolutions[item.id] ?? "theirs";
    if (item.conflict && resolution === "ours") {
      counts.kept_ours++;
      continue;
    }
    if (item.conflict && typeof resolution !== "string") {
      const d = resolution.edited;
      await tx.query(
        `UPDATE relationships SET tags = $2::text[], energy_level = $3, genesis = $4::jsonb, attributes = $5::jsonb, deleted = false WHERE id = $1::uuid`,
        [theirs.row_id, d.tags, d.energy_level, json(d.genesis), json(d.attributes)],
      );
    }
    const ours = plan.ours.get(item.id);
    if (item.change === "deleted" && typeof resolution === "string") {
      counts.deleted++;
      await deleteIn(tx, into, ours);
    } else {
      counts.applied++;
      await changeIn(tx, into, ours, theirs);
    }
  }
  // New relationships move by retagging: nothing is copied.
  if (created.length) await tx.query(`UPDATE relationships SET branches = ARRAY[$2::text] WHERE id = ANY($1::uuid[])`, [created, into.id]);
  if (merged.length) await tx.query(`DELETE FROM relationships WHERE id = ANY($1::uuid[]) AND branches = ARRAY[$2::text]`, [merged, branch]);
  return counts;
}

/** Whether `into` writes the row in place: main owns every row it sees; a branch, the rows tagged with it. */
const owns = (into: BranchView, row: VisibleRelationship) => into.id === MAIN_BRANCH || row.home === into.id;

/** The parent takes the branch's version: in place where it owns the row, else as a row (main) or a version (a branch) of its own. */
async function changeIn(tx: SqlExecutor, into: BranchView, ours: VisibleRelationship | undefined, theirs: BranchRow): Promise<void> {
  if (ours && owns(into, ours)) {
    await tx.query(
      `UPDATE relationships t SET tags = v.tags, energy_level = v.energy_level, genesis = v.genesis, attributes = v.attributes, deleted = false,
         updated_at = clock_timestamp() AT TIME ZONE 'UTC'
       FROM relationships v WHERE t.id = $1::uuid AND v.id = $2::uuid`,
      [ours.row_id, theirs.row_id],
    );
    return;
  }
  const alive = ours !== undefined && !ours.deleted;
  if (into.id === MAIN_BRANCH) {
    // main deleted the relationship and the person chose the branch's version: it comes back under its id.
    await tx.query(
      `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, created_at, branches)
       SELECT version_of, tags, energy_level, source_soul, target_soul, genesis, attributes, created_at, ARRAY['main'] FROM relationships WHERE id = $1::uuid`,
      [theirs.row_id],
    );
    return;
  }
  await tx.query(
    `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, created_at, branches, version_of, deleted, base_row_version)
     SELECT $1::uuid, tags, energy_level, source_soul, target_soul, genesis, attributes, created_at, ARRAY[$2::text], version_of, false, coalesce($3::bigint, base_row_version)
     FROM relationships WHERE id = $4::uuid`,
    [crypto.randomUUID(), into.id, alive ? ours.row_version : null, theirs.row_id],
  );
}

/** The parent deletes the relationship: its own row goes (or becomes a tombstone), or it writes a tombstone version. */
async function deleteIn(tx: SqlExecutor, into: BranchView, ours: VisibleRelationship | undefined): Promise<void> {
  if (!ours || ours.deleted) return;
  if (!owns(into, ours)) await copyRelationshipOnWrite(tx, into, ours, { deleted: true });
  else if (ours.source === "version") await tx.query(`UPDATE relationships SET deleted = true WHERE id = $1::uuid`, [ours.row_id]);
  else await tx.query(`DELETE FROM relationships WHERE id = $1::uuid`, [ours.row_id]);
}

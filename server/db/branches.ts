import "../serverOnly";
import {
  BRANCH_TAG,
  branchAttributesSchema,
  OUTPUT_TAG,
  type Branch,
  type BranchAttributes,
  type BranchFork,
  type BranchKpis,
  type BranchMerge,
  type MergeItem,
  type MergePreview,
  type MergeResult,
  type Resolution,
} from "../../lib/branches/schemas";
import { MAIN_BRANCH } from "../../lib/constants";
import { mainBranch, toBranch, type BranchView, type BranchViews } from "./branchViews";
import type { SqlDriver, SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";
import { BEING_COLUMNS, json, toBeing, type BeingRow } from "./sql";
import { applyRelationships, chooseRelationships, planRelationships } from "./relationshipMerge";
import { copyOnWrite, ownsRow, toVisibleBeing, visibleRows, type VisibleRow } from "./versions";

/** Branches of reality: fork (one row), the tree, side-by-side figures, merge with conflicts, drop and archive. */
export interface BranchesRepo {
  /** Writes the branch being, and nothing else, whatever the size of the world. */
  fork(input: BranchFork, creator: string | null): Promise<Branch>;
  get(branch: string): Promise<Branch>;
  /** main and every branch, parents before children. */
  tree(): Promise<Branch[]>;
  kpis(branches: readonly string[]): Promise<BranchKpis[]>;
  /** What a deep merge into the parent would do, conflicts included; changes nothing. */
  preview(branch: string): Promise<MergePreview>;
  /** Applies the branch's changes to its parent; with an unresolved conflict it changes nothing and lists them. */
  merge(input: BranchMerge): Promise<MergeResult>;
  /** Deletes every row the branch wrote; the branch being stays, marked dropped, for the tree's history. */
  drop(branch: string): Promise<Branch>;
  /** Keeps the branch's rows read-only. */
  archive(branch: string): Promise<Branch>;
}

interface VersionRow extends BeingRow {
  base_row_version: string;
  deleted: boolean;
}

const utcNow = () => new Date().toISOString();
const nameOf = (row: BeingRow) => (typeof row.genesis["name"] === "string" ? row.genesis["name"] : row.soul);

export function createBranchesRepo(driver: SqlDriver, views: BranchViews, maintenance: Maintenance): BranchesRepo {
  async function records(q: SqlExecutor): Promise<Map<string, { name: string; purpose: string; attributes: BranchAttributes }>> {
    const rows = await q.query<{ soul: string; genesis: { name?: string; purpose?: string }; attributes: unknown }>(
      `SELECT soul::text AS soul, genesis, attributes FROM base_beings
       WHERE tags @> ARRAY['${BRANCH_TAG}']::text[] AND 'main' = ANY(branches) ORDER BY created_at, soul`,
    );
    return new Map(
      rows.map((r) => [r.soul, { name: r.genesis.name ?? r.soul, purpose: r.genesis.purpose ?? "", attributes: branchAttributesSchema.parse(r.attributes) }]),
    );
  }

  async function setStatus(tx: SqlExecutor, branch: string, patch: Partial<BranchAttributes>): Promise<void> {
    await tx.query(`UPDATE base_beings SET attributes = attributes || $2::jsonb, updated_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE soul = $1::uuid`, [
      branch,
      JSON.stringify(patch),
    ]);
  }

  /** Locks the branch and checks it can still be merged, dropped or archived. */
  async function openBranch(tx: SqlExecutor, branch: string): Promise<Branch> {
    const view = await views.view(branch, tx);
    await views.assertWritable(tx, view);
    return views.load(tx, branch);
  }

  async function openChildren(tx: SqlExecutor, branch: string): Promise<string[]> {
    const rows = await tx.query<{ name: string }>(
      `SELECT genesis ->> 'name' AS name FROM base_beings
       WHERE tags @> ARRAY['${BRANCH_TAG}']::text[] AND 'main' = ANY(branches) AND attributes ->> 'parent' = $1 AND attributes ->> 'status' = 'open'`,
      [branch],
    );
    return rows.map((r) => r.name);
  }

  /** Every change of the branch against what its parent shows now. */
  async function plan(
    tx: SqlExecutor,
    branch: Branch,
  ): Promise<{ into: BranchView; items: MergeItem[]; versions: Map<string, VersionRow>; ours: Map<string, VisibleRow> }> {
    const into = await views.view(branch.parent ?? MAIN_BRANCH, tx);
    const versionRows = await tx.query<VersionRow>(
      `SELECT ${BEING_COLUMNS}, base_row_version::text AS base_row_version, deleted FROM being_versions WHERE branches = ARRAY[$1::text] ORDER BY soul`,
      [branch.id],
    );
    const created = await tx.query<BeingRow>(`SELECT ${BEING_COLUMNS} FROM base_beings WHERE branches = ARRAY[$1::text] ORDER BY created_at, soul`, [
      branch.id,
    ]);
    const versions = new Map(versionRows.map((v) => [v.soul, v]));
    const ours = await visibleRows(tx, into, [...versions.keys()]);
    const items: MergeItem[] = [];
    for (const v of versionRows) {
      const o = ours.get(v.soul);
      const alive = o !== undefined && !o.deleted;
      const moved = o !== undefined && o.row_version !== v.base_row_version;
      // Changed on both sides since the branch copied it; or deleted on one side and changed (or kept) on the other.
      const conflict = v.deleted ? alive && moved : !alive || moved;
      const { base_row_version: _b, deleted: _d, ...row } = v;
      items.push({
        soul: v.soul,
        name: nameOf(v),
        change: v.deleted ? "deleted" : "changed",
        conflict,
        ours: alive ? toVisibleBeing(o) : null,
        theirs: v.deleted ? null : toBeing(row),
      });
    }
    for (const c of created) {
      items.push({ soul: c.soul, name: nameOf(c), change: "created", conflict: false, ours: null, theirs: toBeing(c) });
    }
    return { into, items, versions, ours };
  }

  /** Shallow merges take the chosen souls, or the branch's outputs whose KPIs passed. */
  function chosen(items: MergeItem[], input: BranchMerge): MergeItem[] {
    if (input.mode === "deep") return items;
    if (input.souls) {
      const bySoul = new Map(items.map((i) => [i.soul, i]));
      return input.souls.map((soul) => {
        const item = bySoul.get(soul);
        if (!item)
          throw new StoreError("INVALID", `Being ${soul} has no change in this branch: choose among the branch's changes (branches.preview lists them).`);
        return item;
      });
    }
    return items.filter((i) => {
      const kpi = i.theirs?.attributes["kpi"];
      return i.theirs?.tags.includes(OUTPUT_TAG) && typeof kpi === "object" && kpi !== null && !Array.isArray(kpi) && kpi["passed"] === true;
    });
  }

  async function applyChange(tx: SqlExecutor, branch: string, into: BranchView, soul: string, ours: VisibleRow | undefined): Promise<void> {
    const fullCopy = `tags = v.tags, energy_level = v.energy_level, genesis = v.genesis, attributes = v.attributes, memories = v.memories,
      self_awareness = v.self_awareness, embedding = v.embedding, updated_at = clock_timestamp() AT TIME ZONE 'UTC'`;
    const alive = ours !== undefined && !ours.deleted;
    if (ours && ownsRow(into, ours)) {
      const table = ours.source === "base" ? "base_beings" : "being_versions";
      const own = into.id === MAIN_BRANCH ? `'main' = ANY(t.branches)` : `t.branches = ARRAY[$3::text]`;
      const extra = table === "being_versions" ? `, deleted = false, row_version = nextval('luxos_row_version')` : "";
      await tx.query(
        `UPDATE ${table} t SET ${fullCopy}${extra} FROM being_versions v WHERE v.soul = t.soul AND v.branches = ARRAY[$2::text] AND t.soul = $1::uuid AND ${own}`,
        into.id === MAIN_BRANCH ? [soul, branch] : [soul, branch, into.id],
      );
      return;
    }
    if (into.id === MAIN_BRANCH) {
      // main deleted the being and the person chose the branch's version: it comes back under its soul.
      await tx.query(
        `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, created_at, branches, embedding)
         SELECT soul, tags, energy_level, genesis, attributes, memories, self_awareness, created_at, ARRAY['main'], embedding
         FROM being_versions WHERE soul = $1::uuid AND branches = ARRAY[$2::text]`,
        [soul, branch],
      );
      return;
    }
    await tx.query(
      `INSERT INTO being_versions (soul, tags, energy_level, genesis, attributes, memories, self_awareness, created_at, branches, embedding, deleted, base_row_version)
       SELECT soul, tags, energy_level, genesis, attributes, memories, self_awareness, created_at, ARRAY[$3::text], embedding, false, coalesce($4::bigint, base_row_version)
       FROM being_versions WHERE soul = $1::uuid AND branches = ARRAY[$2::text]`,
      [soul, branch, into.id, alive ? ours.row_version : null],
    );
  }

  async function applyDeletion(tx: SqlExecutor, into: BranchView, soul: string, ours: VisibleRow | undefined): Promise<void> {
    if (!ours || ours.deleted) return;
    if (!ownsRow(into, ours)) {
      await copyOnWrite(tx, into, ours, { deleted: true });
      return;
    }
    if (ours.source === "version") {
      await tx.query(
        `UPDATE being_versions SET deleted = true, row_version = nextval('luxos_row_version') WHERE soul = $1::uuid AND branches = ARRAY[$2::text]`,
        [soul, into.id],
      );
      return;
    }
    await tx.query("DELETE FROM relationships WHERE source_soul = $1::uuid OR target_soul = $1::uuid", [soul]);
    await tx.query(`DELETE FROM base_beings WHERE soul = $1::uuid AND ${into.id === MAIN_BRANCH ? `'main' = ANY(branches)` : `branches = ARRAY[$2::text]`}`, [
      soul,
      ...(into.id === MAIN_BRANCH ? [] : [into.id]),
    ]);
  }

  async function applyEdit(tx: SqlExecutor, branch: string, soul: string, resolution: Resolution): Promise<void> {
    if (typeof resolution === "string") return;
    const d = resolution.edited;
    await tx.query(
      `UPDATE being_versions SET tags = $3::text[], energy_level = $4, genesis = $5::jsonb, attributes = $6::jsonb, memories = $7::jsonb,
         self_awareness = $8::jsonb, deleted = false
       WHERE soul = $1::uuid AND branches = ARRAY[$2::text]`,
      [soul, branch, d.tags, d.energy_level, json(d.genesis), json(d.attributes), json(d.memories), json(d.self_awareness)],
    );
  }

  async function merge(input: BranchMerge): Promise<MergeResult> {
    const result = await driver.transaction(async (tx): Promise<MergeResult> => {
      const branch = await openBranch(tx, input.branch);
      const into = await views.view(branch.parent ?? MAIN_BRANCH, tx);
      await views.assertWritable(tx, into);
      const { items, ours } = await plan(tx, branch);
      const selected = chosen(items, input);
      const relPlan = await planRelationships(tx, branch.id, into);
      const selectedRels = await chooseRelationships(tx, into, relPlan.items, {
        deep: input.mode === "deep",
        chosenSouls: new Set(selected.map((i) => i.soul)),
        arriving: new Set(selected.filter((i) => i.change === "created").map((i) => i.soul)),
      });
      const unresolved = selected.filter((i) => i.conflict && input.resolutions[i.soul] === undefined);
      const unresolvedRels = selectedRels.filter((r) => r.conflict && input.relationship_resolutions[r.id] === undefined);
      if (unresolved.length || unresolvedRels.length) {
        return { status: "conflicts", branch: branch.id, into: into.id, conflicts: unresolved, relationship_conflicts: unresolvedRels };
      }
      // NOTE: relationships go first: a being deletion below removes whatever relationships touch it, merged ones included.
      const relationships = await applyRelationships(tx, branch.id, into, relPlan, selectedRels, input.relationship_resolutions);

      let applied = 0;
      let deleted = 0;
      let keptOurs = 0;
      const createdSouls: string[] = [];
      const mainUpdates: string[] = [];
      const mainDeletions: string[] = [];
      for (const item of selected) {
        const resolution = input.resolutions[item.soul] ?? "theirs";
        if (item.change === "created") {
          createdSouls.push(item.soul);
          continue;
        }
        if (item.conflict && resolution === "ours") {
          keptOurs++;
          continue;
        }
        if (item.conflict) await applyEdit(tx, branch.id, item.soul, resolution);
        const isDeletion = item.change === "deleted" && typeof resolution === "string";
        const current = ours.get(item.soul);
        if (isDeletion) {
          deleted++;
          if (into.id === MAIN_BRANCH && current && !current.deleted) mainDeletions.push(item.soul);
          else await applyDeletion(tx, into, item.soul, current);
        } else {
          applied++;
          if (into.id === MAIN_BRANCH && current && ownsRow(into, current)) mainUpdates.push(item.soul);
          else await applyChange(tx, branch.id, into, item.soul, current);
        }
      }
      // NOTE: into main, changes and deletions go as one statement each: a merge of thousands of changes stays one round trip.
      if (mainUpdates.length) {
        await tx.query(
          `UPDATE base_beings t SET tags = v.tags, energy_level = v.energy_level, genesis = v.genesis, attributes = v.attributes, memories = v.memories,
             self_awareness = v.self_awareness, embedding = v.embedding, updated_at = clock_timestamp() AT TIME ZONE 'UTC'
           FROM being_versions v
           WHERE v.soul = t.soul AND v.branches = ARRAY[$2::text] AND t.soul = ANY($1::uuid[]) AND 'main' = ANY(t.branches)`,
          [mainUpdates, branch.id],
        );
      }
      if (mainDeletions.length) {
        await tx.query("DELETE FROM relationships WHERE source_soul = ANY($1::uuid[]) OR target_soul = ANY($1::uuid[])", [mainDeletions]);
        await tx.query(`DELETE FROM base_beings WHERE soul = ANY($1::uuid[]) AND 'main' = ANY(branches)`, [mainDeletions]);
      }
      if (createdSouls.length) {
        // New beings move by retagging: nothing is copied.
        await tx.query(`UPDATE base_beings SET branches = ARRAY[$3::text] WHERE soul = ANY($1::uuid[]) AND branches = ARRAY[$2::text]`, [
          createdSouls,
          branch.id,
          into.id,
        ]);
        await tx.query(`UPDATE knowledge_facts SET branch = $3, change_seq = nextval('knowledge_change_seq') WHERE soul = ANY($1::uuid[]) AND branch = $2`, [
          createdSouls,
          branch.id,
          into.id,
        ]);
      }
      await tx.query(`DELETE FROM being_versions WHERE branches = ARRAY[$1::text] AND soul = ANY($2::uuid[])`, [
        branch.id,
        selected.filter((i) => i.change !== "created").map((i) => i.soul),
      ]);
      const at = utcNow();
      const lastMerge = { at, mode: input.mode, applied, created: createdSouls.length, deleted };
      await setStatus(tx, branch.id, input.mode === "deep" ? { status: "merged", closed_at: at, last_merge: lastMerge } : { last_merge: lastMerge });
      return {
        status: "merged",
        branch: branch.id,
        into: into.id,
        mode: input.mode,
        applied,
        created: createdSouls.length,
        deleted,
        kept_ours: keptOurs,
        relationships,
      };
    });
    if (result.status === "merged") {
      maintenance.noteWrites("base_beings", result.applied + result.created + result.deleted);
      maintenance.noteWrites("being_versions", result.applied + result.deleted);
      maintenance.noteWrites("relationships", result.relationships.applied + result.relationships.created + result.relationships.deleted);
    }
    return result;
  }

  return {
    async fork(input, creator) {
      const parent = input.parent;
      const subscribe = input.subscribe;
      return driver.transaction(async (tx) => {
        for (const b of [parent, ...subscribe]) {
          const found = await views.load(tx, b);
          if (found.status === "dropped")
            throw new StoreError("INVALID", `Branch "${found.name}" was dropped: fork from main or from a branch that still holds its rows.`);
        }
        const attributes: BranchAttributes = {
          parent,
          isolation: input.isolation,
          subscribe,
          creator,
          budget: input.budget,
          status: "open",
          forked_at: utcNow(),
          closed_at: null,
          last_merge: null,
        };
        const [row] = await tx.query<{ soul: string }>(
          `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches)
           VALUES ($1::uuid, ARRAY['${BRANCH_TAG}'], 0, $2::jsonb, $3::jsonb, '{}', '{}', ARRAY['main'])
           RETURNING soul::text AS soul`,
          [crypto.randomUUID(), json({ name: input.name, type: "branch", purpose: input.purpose }), json(attributes)],
        );
        const id = row!.soul;
        const visible =
          input.isolation === "isolated" ? [id] : input.isolation === "subscribe" ? [id, ...subscribe] : [id, ...(await views.view(parent, tx)).visible];
        return toBranch(id, { name: input.name, purpose: input.purpose, attributes }, visible);
      });
    },

    get: (branch) => views.load(driver, branch),

    async tree() {
      const all = await records(driver);
      const visibleOf = (id: string, seen = new Set<string>()): string[] => {
        if (id === MAIN_BRANCH) return [MAIN_BRANCH];
        const r = all.get(id);
        if (!r || seen.has(id)) return [id];
        seen.add(id);
        const a = r.attributes;
        if (a.isolation === "isolated") return [id];
        if (a.isolation === "subscribe") return [id, ...a.subscribe];
        return [id, ...visibleOf(a.parent, seen)];
      };
      return [mainBranch(), ...[...all].map(([id, r]) => toBranch(id, r, visibleOf(id)))];
    },

    async kpis(branches) {
      const rows = await driver.query<{
        branch: string;
        changed: number;
        deleted: number;
        created: number;
        relationships: number;
        facts: number;
        tiki: number;
        ok: number | null;
        runs: number;
      }>(
        `SELECT b AS branch,
           (SELECT count(*)::int FROM being_versions WHERE branches = ARRAY[b] AND NOT deleted) AS changed,
           (SELECT count(*)::int FROM being_versions WHERE branches = ARRAY[b] AND deleted) AS deleted,
           CASE WHEN b = 'main' THEN 0 ELSE (SELECT count(*)::int FROM base_beings WHERE branches = ARRAY[b]) END AS created,
           CASE WHEN b = 'main' THEN 0 ELSE (SELECT count(*)::int FROM relationships WHERE branches = ARRAY[b]) END AS relationships,
           (SELECT count(*)::int FROM knowledge_facts WHERE branch = b) AS facts,
           (SELECT coalesce(sum(tiki), 0)::float8 FROM tiki_ledger WHERE branch = b) AS tiki,
           (SELECT avg(CASE WHEN ok THEN 1 ELSE 0 END)::float8 FROM tiki_ledger WHERE branch = b) AS ok,
           (SELECT count(DISTINCT task)::int FROM tiki_ledger WHERE branch = b AND task IS NOT NULL) AS runs
         FROM unnest($1::text[]) AS b`,
        [branches],
      );
      return rows.map((r) => ({
        branch: r.branch,
        changed: r.changed,
        created: r.created,
        deleted: r.deleted,
        relationships_changed: r.relationships,
        facts_learned: r.facts,
        tiki_spent: r.tiki,
        success_rate: r.ok,
        runs: r.runs,
      }));
    },

    async preview(id) {
      return driver.transaction(async (tx) => {
        const branch = await views.load(tx, id);
        if (branch.id === MAIN_BRANCH) throw new StoreError("INVALID", "main has no parent to merge into: merge a branch into main instead.");
        const { into, items } = await plan(tx, branch);
        const { items: relationships } = await planRelationships(tx, branch.id, into);
        return {
          branch: branch.id,
          into: into.id,
          items,
          conflicts: items.filter((i) => i.conflict).length,
          relationships,
          relationship_conflicts: relationships.filter((r) => r.conflict).length,
        };
      });
    },

    merge,

    async drop(id) {
      await driver.transaction(async (tx) => {
        const branch = await views.load(tx, id);
        if (branch.status === "dropped") return;
        await views.assertWritable(tx, await views.view(id, tx)).catch((error: unknown) => {
          // Merged and archived branches may be dropped too: only their leftover rows go.
          if (!(error instanceof StoreError && error.reason === "CONFLICT")) throw error;
        });
        const children = await openChildren(tx, id);
        if (children.length) throw new StoreError("CONFLICT", `Branch "${branch.name}" has open branches (${children.join(", ")}): merge or drop them first.`);
        await tx.query(`DELETE FROM relationships WHERE branches = ARRAY[$1::text]`, [id]);
        await tx.query(
          `DELETE FROM relationships WHERE source_soul IN (SELECT soul FROM base_beings WHERE branches = ARRAY[$1::text])
              OR target_soul IN (SELECT soul FROM base_beings WHERE branches = ARRAY[$1::text])`,
          [id],
        );
        await tx.query(`DELETE FROM base_beings WHERE branches = ARRAY[$1::text]`, [id]);
        await tx.query(`DELETE FROM being_versions WHERE branches = ARRAY[$1::text]`, [id]);
        await setStatus(tx, id, { status: "dropped", closed_at: utcNow() });
      });
      return views.load(driver, id);
    },

    async archive(id) {
      await driver.transaction(async (tx) => {
        const branch = await openBranch(tx, id);
        const children = await openChildren(tx, id);
        if (children.length) throw new StoreError("CONFLICT", `Branch "${branch.name}" has open branches (${children.join(", ")}): merge or drop them first.`);
        await setStatus(tx, id, { status: "archived", closed_at: utcNow() });
      });
      return views.load(driver, id);
    },
  };
}

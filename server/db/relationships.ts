import "../serverOnly";
import { MAIN_BRANCH, MAX_JSON_BYTES, MAX_NEIGHBORS } from "../../lib/constants";
import type { JsonObject } from "../../lib/jsonMergePatch";
import {
  jsonByteLength,
  type Direction,
  type GraphPath,
  type Neighborhood,
  type NeighborNode,
  type Page,
  type Relationship,
  type RelationshipCreate,
  type RelationshipList,
  type RelationshipUpdate,
} from "../../lib/schemas";
import { newRowBranches, type BranchView, type BranchViews } from "./branchViews";
import { sqlState, type SqlDriver, type SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";
import {
  copyRelationshipOnWrite,
  getVisibleRelationship,
  livingSouls,
  ownRelationshipPredicate,
  relRank,
  toRelationship,
  visibleRelationshipsSql,
  VISIBLE_RELATIONSHIP_COLUMNS,
  withLivingEnds,
  type VisibleRelationship,
} from "./relationshipVersions";
import { decodeCursor, encodeCursor, getBeing, json, notFound, RELATIONSHIP_COLUMNS, translate, Where } from "./sql";
import { getVisible, visibleRows } from "./versions";

/**
 * The relationships half of the master store, with graph walks over them. Every call carries its
 * branch (main when omitted), the way beings do: in a branch a new relationship is a row tagged
 * with the branch alone; a change or deletion of one the branch did not create is a copy-on-write
 * version of that one relationship (server/db/relationshipVersions.ts); reads see, per
 * relationship, the nearest branch's row, and only while both ends are beings the branch sees.
 */
export interface RelationshipsRepo {
  create(input: RelationshipCreate): Promise<Relationship>;
  createMany(inputs: readonly RelationshipCreate[]): Promise<string[]>;
  get(id: string, branch?: string): Promise<Relationship>;
  /** Patches tags, energy, genesis and attributes (merge patch); the ends stay. */
  update(input: RelationshipUpdate): Promise<Relationship>;
  delete(id: string, branch?: string): Promise<{ id: string }>;
  list(input: RelationshipList): Promise<Page<Relationship>>;
  /** Beings within `depth` hops, level by level. */
  neighbors(input: Neighbors): Promise<Neighborhood>;
  /** A shortest path of at most `max_depth` hops. */
  path(input: PathQuery): Promise<GraphPath>;
}

/** A neighborhood query as the store takes it (souls already parsed). */
export interface Neighbors {
  soul: string;
  depth: number;
  direction: Direction;
  branch?: string;
}

export interface PathQuery {
  from: string;
  to: string;
  max_depth: number;
  direction: Direction;
  branch?: string;
}

/** main's rows only: a branch's rows and versions are tagged with the branch alone. */
const IN_MAIN = `'main' = ANY(branches)`;

async function relationshipsByIds(q: SqlExecutor, ids: readonly string[]): Promise<Relationship[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<Relationship>(`SELECT ${RELATIONSHIP_COLUMNS} FROM relationships WHERE id = ANY($1::uuid[]) AND ${IN_MAIN}`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Names the ends of new relationships that the branch does not see, in words. */
async function checkEndpoints(q: SqlExecutor, view: BranchView, inputs: readonly { source_soul: string; target_soul: string }[]): Promise<void> {
  const found = await livingSouls(
    q,
    view,
    inputs.flatMap((r) => [r.source_soul, r.target_soul]),
  );
  for (const r of inputs) {
    for (const end of ["source_soul", "target_soul"] as const) {
      if (!found.has(r[end])) {
        const where = view.id === MAIN_BRANCH ? "" : ` in branch ${view.id}`;
        throw new StoreError("MISSING_ENDPOINT", `${end} ${r[end]} does not exist${where}: create that being first, or check the soul.`);
      }
    }
  }
  if (view.id === MAIN_BRANCH) return;
  // NOTE: a branch may still see a being main deleted after the branch changed it (its version); relationships
  // reference base_beings rows, so such a being can be related again only once a merge brings it back.
  const rows = await q.query<{ soul: string }>("SELECT soul::text AS soul FROM base_beings WHERE soul = ANY($1::uuid[])", [[...found]]);
  const stored = new Set(rows.map((r) => r.soul));
  const gone = [...found].find((soul) => !stored.has(soul));
  if (gone) {
    throw new StoreError(
      "CONFLICT",
      `Being ${gone} was deleted in the parent after this branch changed it: merge the branch (taking its version) before relating it again.`,
    );
  }
}

async function mainLevel(q: SqlExecutor, frontier: string[], direction: Direction) {
  const parts: string[] = [];
  if (direction !== "in")
    parts.push(`SELECT ${RELATIONSHIP_COLUMNS}, target_soul::text AS next FROM relationships WHERE source_soul = ANY($1::uuid[]) AND ${IN_MAIN}`);
  if (direction !== "out")
    parts.push(`SELECT ${RELATIONSHIP_COLUMNS}, source_soul::text AS next FROM relationships WHERE target_soul = ANY($1::uuid[]) AND ${IN_MAIN}`);
  return q.query<Relationship & { next: string }>(parts.join(" UNION ALL "), [frontier]);
}

/** One hop from `frontier` in a branch: the relationships it sees (not deleted) and the beings at their other ends. */
async function branchLevel(q: SqlExecutor, view: BranchView, frontier: string[], direction: Direction) {
  const ends = [direction !== "in" ? "source_soul = ANY($1::uuid[])" : "", direction !== "out" ? "target_soul = ANY($1::uuid[])" : ""].filter(Boolean);
  const rows = await q.query<VisibleRelationship>(visibleRelationshipsSql(ends.join(" OR "), "$2"), [frontier, view.visible]);
  const from = new Set(frontier);
  const out: (Relationship & { next: string })[] = [];
  for (const row of rows) {
    if (row.deleted) continue;
    const { rank: _rank, ...rest } = row as VisibleRelationship & { rank?: number };
    const rel = toRelationship(rest);
    if (direction !== "in" && from.has(rel.source_soul)) out.push({ ...rel, next: rel.target_soul });
    if (direction !== "out" && from.has(rel.target_soul)) out.push({ ...rel, next: rel.source_soul });
  }
  return out;
}

export function createRelationshipsRepo(driver: SqlDriver, maintenance: Maintenance, views: BranchViews): RelationshipsRepo {
  /** Runs `fn` in a transaction in which the branch is checked writable (and locked against a merge or drop). */
  async function writeIn<T>(branch: string, fn: (tx: SqlExecutor, view: BranchView) => Promise<T>): Promise<T> {
    const view = await views.view(branch);
    return driver.transaction(async (tx) => {
      await views.assertWritable(tx, view);
      return fn(tx, view);
    });
  }

  /** One hop, with the beings at the far ends that the view shows (main's walk reads them afterwards). */
  async function level(view: BranchView, frontier: string[], direction: Direction) {
    if (view.id === MAIN_BRANCH) return mainLevel(driver, frontier, direction);
    const edges = await branchLevel(driver, view, frontier, direction);
    const living = await livingSouls(
      driver,
      view,
      edges.map((e) => e.next),
    );
    return edges.filter((e) => living.has(e.next));
  }

  async function patch(q: SqlExecutor, view: BranchView, input: RelationshipUpdate): Promise<Relationship> {
    const doc = (d: JsonObject | undefined) => (d === undefined ? null : json(d));
    const own = view.id === MAIN_BRANCH ? `id = $1::uuid AND version_of IS NULL AND ${IN_MAIN}` : ownRelationshipPredicate("$1", "$6");
    const [row] = await q.query<VisibleRelationship>(
      `UPDATE relationships SET
         tags = coalesce($2::text[], tags),
         energy_level = coalesce($3::int, energy_level),
         genesis = CASE WHEN $4::jsonb IS NULL THEN genesis ELSE luxos_merge_patch(genesis, $4::jsonb) END,
         attributes = CASE WHEN $5::jsonb IS NULL THEN attributes ELSE luxos_merge_patch(attributes, $5::jsonb) END,
         updated_at = clock_timestamp() AT TIME ZONE 'UTC'
       WHERE ${own}
       RETURNING ${VISIBLE_RELATIONSHIP_COLUMNS}`,
      [input.id, input.tags ?? null, input.energy_level ?? null, doc(input.genesis), doc(input.attributes), ...(view.id === MAIN_BRANCH ? [] : [view.id])],
    );
    if (!row) throw notFound("Relationship", input.id);
    for (const field of ["genesis", "attributes"] as const) {
      if (jsonByteLength(row[field]) > MAX_JSON_BYTES) {
        throw new StoreError(
          "INVALID",
          `After this change ${field} would be larger than ${MAX_JSON_BYTES / 1024} KB; nothing was changed. Remove keys (set them to null) or store large data elsewhere.`,
        );
      }
    }
    return toRelationship(row);
  }

  return {
    async create(input) {
      const id = input.id ?? crypto.randomUUID();
      const branches = newRowBranches(input, "relationship");
      try {
        return await writeIn(input.branch ?? MAIN_BRANCH, async (tx, view) => {
          await checkEndpoints(tx, view, [input]);
          const [row] = await tx.query<Relationship>(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
             VALUES ($1, $2::text[], $3, $4, $5, $6::jsonb, $7::jsonb, $8::text[])
             RETURNING ${RELATIONSHIP_COLUMNS}`,
            [id, input.tags, input.energy_level, input.source_soul, input.target_soul, json(input.genesis), json(input.attributes), branches],
          );
          maintenance.noteWrites("relationships", 1);
          return row!;
        });
      } catch (error) {
        translate(error, { id });
      }
    },

    async createMany(inputs) {
      const rows = inputs.map(({ branch: _branch, ...r }) => ({ ...r, id: r.id ?? crypto.randomUUID(), branches: newRowBranches(r, "relationship") }));
      const byBranch = new Map<string, RelationshipCreate[]>();
      for (const r of inputs) byBranch.set(r.branch ?? MAIN_BRANCH, [...(byBranch.get(r.branch ?? MAIN_BRANCH) ?? []), r]);
      try {
        await driver.transaction(async (tx) => {
          for (const [branch, group] of byBranch) {
            const view = await views.view(branch, tx);
            await views.assertWritable(tx, view);
            await checkEndpoints(tx, view, group);
          }
          await tx.query(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
             SELECT id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches
             FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, tags text[], energy_level int, source_soul uuid, target_soul uuid,
               genesis jsonb, attributes jsonb, branches text[])`,
            [JSON.stringify(rows)],
          );
        });
      } catch (error) {
        if (sqlState(error) === "23505")
          throw new StoreError("CONFLICT", "One of the relationship ids exists already (or appears twice in the batch): omit ids to get new ones.");
        translate(error, {});
      }
      maintenance.noteWrites("relationships", rows.length);
      return rows.map((r) => r.id);
    },

    async get(id, branch = MAIN_BRANCH) {
      return toRelationship(await getVisibleRelationship(driver, await views.view(branch), id));
    },

    async update(input) {
      const rel = await writeIn(input.branch ?? MAIN_BRANCH, async (tx, view) => {
        if (view.id !== MAIN_BRANCH) {
          const seen = await getVisibleRelationship(tx, view, input.id);
          if (seen.home !== view.id) await copyRelationshipOnWrite(tx, view, seen);
        }
        return patch(tx, view, input);
      });
      maintenance.noteWrites("relationships", 1);
      return rel;
    },

    async delete(id, branch = MAIN_BRANCH) {
      await writeIn(branch, async (tx, view) => {
        if (view.id === MAIN_BRANCH) {
          const gone = await tx.query(`DELETE FROM relationships WHERE id = $1 AND version_of IS NULL AND ${IN_MAIN} RETURNING id`, [id]);
          if (gone.length === 0) throw notFound("Relationship", id);
          return;
        }
        const seen = await getVisibleRelationship(tx, view, id);
        if (seen.home !== view.id) await copyRelationshipOnWrite(tx, view, seen, { deleted: true });
        else if (seen.source === "version")
          await tx.query(`UPDATE relationships SET deleted = true, updated_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE id = $1::uuid`, [seen.row_id]);
        // NOTE: the branch created it: the row goes. A child branch's version of it stays, and its merge reports the conflict.
        else await tx.query("DELETE FROM relationships WHERE id = $1::uuid", [seen.row_id]);
      });
      maintenance.noteWrites("relationships", 1);
      return { id };
    },

    async list(input) {
      const view = await views.view(input.branch ?? MAIN_BRANCH);
      const where = new Where();
      if (input.source_soul) where.add((p) => `source_soul = ${p(input.source_soul)}::uuid`);
      if (input.target_soul) where.add((p) => `target_soul = ${p(input.target_soul)}::uuid`);
      if (input.tags_any?.length) where.add((p) => `tags && ${p(input.tags_any)}::text[]`);
      if (input.tags_all?.length) where.add((p) => `tags @> ${p(input.tags_all)}::text[]`);
      if (input.energy_min !== undefined) where.add((p) => `energy_level >= ${p(input.energy_min)}`);
      if (input.energy_max !== undefined) where.add((p) => `energy_level <= ${p(input.energy_max)}`);
      const cursor = input.cursor ? decodeCursor(input.cursor) : null;
      const limit = input.limit + 1;
      let rows: Relationship[];
      if (view.id === MAIN_BRANCH) {
        if (cursor) where.add((p) => `(created_at, id) < (${p(cursor[0])}::timestamp, ${p(cursor[1])}::uuid)`);
        where.add(() => IN_MAIN);
        rows = await driver.query<Relationship>(
          // NOTE: keys first on the raw columns, as in beings.list.
          `WITH page AS (
             SELECT id AS k_id, created_at AS k_created FROM relationships ${where.sql}
             ORDER BY created_at DESC, id DESC LIMIT ${limit}
           )
           SELECT ${RELATIONSHIP_COLUMNS} FROM page JOIN relationships ON id = page.k_id ORDER BY page.k_created DESC, page.k_id DESC`,
          where.params,
        );
      } else {
        const v = `$${where.params.push(view.visible)}::text[]`;
        let after: string | null = null;
        if (cursor) {
          const [createdAt, id] = cursor.map((value) => `$${where.params.push(value)}`);
          after = `(${createdAt}::timestamp, ${id}::uuid)`;
        }
        const rank = (alias: string) => relRank(v, `${alias}.`);
        // NOTE: each side takes its own newest page first, as beings' branch list does: main's rows (and the branch's own
        // creations) through the (created_at, id) index, the branch's few versions through their own index; a row shows
        // unless a nearer row of the same relationship exists (OFFSET 0 keeps that a per-row probe of the version index).
        const found = await driver.query<VisibleRelationship>(
          `SELECT * FROM (
             (SELECT ${VISIBLE_RELATIONSHIP_COLUMNS}, created_at AS k_created, id AS k_id FROM relationships r
              WHERE ${where.conditions} AND r.version_of IS NULL AND r.branches && ${v}${after ? ` AND (r.created_at, r.id) < ${after}` : ""}
                AND NOT EXISTS (SELECT 1 FROM relationships w WHERE w.version_of = r.id AND w.branches && ${v} AND ${rank("w")} < ${rank("r")} OFFSET 0)
              ORDER BY r.created_at DESC, r.id DESC LIMIT ${limit})
             UNION ALL
             (SELECT ${VISIBLE_RELATIONSHIP_COLUMNS}, created_at, version_of FROM relationships r
              WHERE ${where.conditions} AND r.version_of IS NOT NULL AND r.branches && ${v} AND NOT r.deleted${after ? ` AND (r.created_at, r.version_of) < ${after}` : ""}
                AND NOT EXISTS (SELECT 1 FROM relationships w
                  WHERE (w.version_of = r.version_of OR w.id = r.version_of) AND w.branches && ${v} AND ${rank("w")} < ${rank("r")} OFFSET 0)
              ORDER BY r.created_at DESC, r.version_of DESC LIMIT ${limit})
           ) c ORDER BY k_created DESC, k_id DESC LIMIT ${limit}`,
          where.params,
        );
        rows = found.map(({ k_created: _c, k_id: _i, ...row }: VisibleRelationship & { k_created?: unknown; k_id?: unknown }) => toRelationship(row));
      }
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      // NOTE: in a branch a page may come out shorter than the limit (relationships of beings it deleted are hidden); next_cursor still pages on.
      const items = await withLivingEnds(driver, view, page);
      return { items, next_cursor: rows.length > input.limit && last ? encodeCursor(last.created_at, last.id) : null };
    },

    async neighbors({ soul, depth, direction, branch = MAIN_BRANCH }) {
      const view = await views.view(branch);
      const center = view.id === MAIN_BRANCH ? await getBeing(driver, soul) : await getVisible(driver, view, soul);
      const depthOf = new Map<string, number>([[soul, 0]]);
      const edges = new Map<string, Relationship>();
      let frontier = [soul];
      let truncated = false;
      // NOTE: level by level with a visited set, so hubs and cycles cost one query per level, not one row per path.
      for (let hop = 1; hop <= depth && frontier.length && !truncated; hop++) {
        const next: string[] = [];
        for (const { next: other, ...edge } of await level(view, frontier, direction)) {
          if (!depthOf.has(other)) {
            if (depthOf.size > MAX_NEIGHBORS) {
              truncated = true;
              continue;
            }
            depthOf.set(other, hop);
            next.push(other);
          }
          edges.set(edge.id, edge);
        }
        frontier = next;
      }
      const souls = [...depthOf.keys()].filter((s) => s !== soul);
      let rows: { soul: string; name: string | null; tags: string[]; energy_level: number }[] = [];
      if (souls.length && view.id === MAIN_BRANCH) {
        rows = await driver.query(
          `SELECT soul::text AS soul, genesis ->> 'name' AS name, coalesce(tags, '{}') AS tags, coalesce(energy_level, 0) AS energy_level
           FROM base_beings WHERE soul = ANY($1::uuid[])`,
          [souls],
        );
      } else if (souls.length) {
        rows = [...(await visibleRows(driver, view, souls)).values()]
          .filter((r) => !r.deleted)
          .map((r) => ({ soul: r.soul, name: typeof r.genesis["name"] === "string" ? r.genesis["name"] : null, tags: r.tags, energy_level: r.energy_level }));
      }
      const nodes: NeighborNode[] = rows
        .map((r) => ({ ...r, name: r.name ?? "(unnamed)", depth: depthOf.get(r.soul)! }))
        .sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name));
      const kept = new Set([center.soul, ...nodes.map((n) => n.soul)]);
      return {
        center: center.soul,
        nodes,
        edges: [...edges.values()].filter((e) => kept.has(e.source_soul) && kept.has(e.target_soul)),
        truncated,
      };
    },

    async path({ from, to, max_depth, direction, branch = MAIN_BRANCH }) {
      const view = await views.view(branch);
      if (view.id !== MAIN_BRANCH) return pathInBranch(view, from, to, max_depth, direction);
      await Promise.all([getBeing(driver, from), getBeing(driver, to)]);
      if (from === to) return { found: true, souls: [from], relationships: [] };
      const steps: string[] = [];
      if (direction !== "in")
        steps.push(`SELECT r.target_soul AS next, r.id AS rel FROM relationships r WHERE r.source_soul = w.soul AND 'main' = ANY(r.branches)`);
      if (direction !== "out")
        steps.push(`SELECT r.source_soul AS next, r.id AS rel FROM relationships r WHERE r.target_soul = w.soul AND 'main' = ANY(r.branches)`);
      // NOTE: a recursive CTE grows one level per iteration, so the first row that reaches `to` is a
      // shortest path, and LIMIT 1 stops the walk there (PostgreSQL evaluates WITH lazily).
      const [row] = await driver.query<{ souls: string[]; rels: string[] }>(
        `WITH RECURSIVE walk(soul, depth, souls, rels) AS (
           SELECT $1::uuid, 0, ARRAY[$1::uuid], ARRAY[]::uuid[]
           UNION ALL
           SELECT step.next, w.depth + 1, w.souls || step.next, w.rels || step.rel
           FROM walk w CROSS JOIN LATERAL (${steps.join(" UNION ALL ")}) step
           WHERE w.depth < $3 AND w.soul <> $2::uuid AND NOT step.next = ANY(w.souls)
         )
         SELECT souls::text[] AS souls, rels::text[] AS rels FROM walk WHERE soul = $2::uuid LIMIT 1`,
        [from, to, max_depth],
      );
      if (!row) return { found: false, souls: [], relationships: [] };
      return { found: true, souls: row.souls, relationships: await relationshipsByIds(driver, row.rels) };
    },
  };

  /**
   * A shortest path in a branch: breadth first, one query per hop over the relationships the
   * branch sees (a recursive CTE would have to resolve every relationship's versions at each step).
   */
  async function pathInBranch(view: BranchView, from: string, to: string, maxDepth: number, direction: Direction): Promise<GraphPath> {
    await Promise.all([getVisible(driver, view, from), getVisible(driver, view, to)]);
    if (from === to) return { found: true, souls: [from], relationships: [] };
    const cameFrom = new Map<string, { prev: string; rel: Relationship } | null>([[from, null]]);
    let frontier = [from];
    for (let hop = 1; hop <= maxDepth && frontier.length; hop++) {
      const next: string[] = [];
      for (const { next: other, ...rel } of await level(view, frontier, direction)) {
        if (cameFrom.has(other)) continue;
        cameFrom.set(other, { prev: other === rel.target_soul ? rel.source_soul : rel.target_soul, rel });
        next.push(other);
        if (other !== to) continue;
        const souls = [to];
        const rels: Relationship[] = [];
        for (let at = cameFrom.get(to); at; at = cameFrom.get(at.prev)) {
          souls.unshift(at.prev);
          rels.unshift(at.rel);
        }
        return { found: true, souls, relationships: rels };
      }
      frontier = next;
    }
    return { found: false, souls: [], relationships: [] };
  }
}

import "../serverOnly";
import { MAIN_BRANCH, MAX_NEIGHBORS } from "../../lib/constants";
import type { Direction, GraphPath, Neighborhood, NeighborNode, Page, Relationship, RelationshipCreate, RelationshipList } from "../../lib/schemas";
import { sqlState, type SqlDriver, type SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";
import { decodeCursor, encodeCursor, getBeing, json, notFound, RELATIONSHIP_COLUMNS, translate, Where } from "./sql";

/** The relationships half of the master store, with graph walks over them. */
export interface RelationshipsRepo {
  create(input: RelationshipCreate): Promise<Relationship>;
  createMany(inputs: readonly RelationshipCreate[]): Promise<string[]>;
  get(id: string): Promise<Relationship>;
  delete(id: string): Promise<{ id: string }>;
  list(input: RelationshipList): Promise<Page<Relationship>>;
  /** Beings within `depth` hops, level by level. */
  neighbors(input: { soul: string; depth: number; direction: Direction }): Promise<Neighborhood>;
  /** A shortest path of at most `max_depth` hops (recursive CTE). */
  path(input: { from: string; to: string; max_depth: number; direction: Direction }): Promise<GraphPath>;
}

async function getRelationship(q: SqlExecutor, id: string): Promise<Relationship> {
  const [row] = await q.query<Relationship>(`SELECT ${RELATIONSHIP_COLUMNS} FROM relationships WHERE id = $1`, [id]);
  if (!row) throw notFound("Relationship", id);
  return row;
}

async function relationshipsByIds(q: SqlExecutor, ids: readonly string[]): Promise<Relationship[]> {
  if (ids.length === 0) return [];
  const rows = await q.query<Relationship>(`SELECT ${RELATIONSHIP_COLUMNS} FROM relationships WHERE id = ANY($1::uuid[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Names the ends of new relationships that do not exist, in words. */
async function checkEndpoints(q: SqlExecutor, inputs: readonly { source_soul: string; target_soul: string }[]): Promise<void> {
  const wanted = [...new Set(inputs.flatMap((r) => [r.source_soul, r.target_soul]))];
  const rows = await q.query<{ soul: string }>("SELECT soul::text AS soul FROM base_beings WHERE soul = ANY($1::uuid[])", [wanted]);
  const found = new Set(rows.map((r) => r.soul));
  for (const r of inputs) {
    for (const end of ["source_soul", "target_soul"] as const) {
      if (!found.has(r[end])) {
        throw new StoreError("MISSING_ENDPOINT", `${end} ${r[end]} does not exist: create that being first, or check the soul.`);
      }
    }
  }
}

async function neighborLevel(q: SqlExecutor, frontier: string[], direction: Direction) {
  const parts: string[] = [];
  if (direction !== "in") parts.push(`SELECT ${RELATIONSHIP_COLUMNS}, target_soul::text AS next FROM relationships WHERE source_soul = ANY($1::uuid[])`);
  if (direction !== "out") parts.push(`SELECT ${RELATIONSHIP_COLUMNS}, source_soul::text AS next FROM relationships WHERE target_soul = ANY($1::uuid[])`);
  return q.query<Relationship & { next: string }>(parts.join(" UNION ALL "), [frontier]);
}

export function createRelationshipsRepo(driver: SqlDriver, maintenance: Maintenance): RelationshipsRepo {
  return {
    async create(input) {
      const id = input.id ?? crypto.randomUUID();
      try {
        return await driver.transaction(async (tx) => {
          await checkEndpoints(tx, [input]);
          const [row] = await tx.query<Relationship>(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
             VALUES ($1, $2::text[], $3, $4, $5, $6::jsonb, $7::jsonb, $8::text[])
             RETURNING ${RELATIONSHIP_COLUMNS}`,
            [
              id,
              input.tags,
              input.energy_level,
              input.source_soul,
              input.target_soul,
              json(input.genesis),
              json(input.attributes),
              input.branches ?? [MAIN_BRANCH],
            ],
          );
          maintenance.noteWrites("relationships", 1);
          return row!;
        });
      } catch (error) {
        translate(error, { id });
      }
    },

    async createMany(inputs) {
      const rows = inputs.map((r) => ({ ...r, id: r.id ?? crypto.randomUUID(), branches: r.branches ?? [MAIN_BRANCH] }));
      try {
        await driver.transaction(async (tx) => {
          await checkEndpoints(tx, rows);
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

    get: (id) => getRelationship(driver, id),

    async delete(id) {
      const gone = await driver.query("DELETE FROM relationships WHERE id = $1 RETURNING id", [id]);
      if (gone.length === 0) throw notFound("Relationship", id);
      maintenance.noteWrites("relationships", 1);
      return { id };
    },

    async list(input) {
      const where = new Where();
      if (input.source_soul) where.add((p) => `source_soul = ${p(input.source_soul)}::uuid`);
      if (input.target_soul) where.add((p) => `target_soul = ${p(input.target_soul)}::uuid`);
      if (input.tags_any?.length) where.add((p) => `tags && ${p(input.tags_any)}::text[]`);
      if (input.tags_all?.length) where.add((p) => `tags @> ${p(input.tags_all)}::text[]`);
      if (input.energy_min !== undefined) where.add((p) => `energy_level >= ${p(input.energy_min)}`);
      if (input.energy_max !== undefined) where.add((p) => `energy_level <= ${p(input.energy_max)}`);
      if (input.cursor) {
        const [createdAt, id] = decodeCursor(input.cursor);
        where.add((p) => `(created_at, id) < (${p(createdAt)}::timestamp, ${p(id)}::uuid)`);
      }
      const rows = await driver.query<Relationship>(
        // NOTE: keys first on the raw columns, as in beings.list.
        `WITH page AS (
           SELECT id AS k_id, created_at AS k_created FROM relationships ${where.sql}
           ORDER BY created_at DESC, id DESC LIMIT ${input.limit + 1}
         )
         SELECT ${RELATIONSHIP_COLUMNS} FROM page JOIN relationships ON id = page.k_id ORDER BY page.k_created DESC, page.k_id DESC`,
        where.params,
      );
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return { items, next_cursor: rows.length > input.limit && last ? encodeCursor(last.created_at, last.id) : null };
    },

    async neighbors({ soul, depth, direction }) {
      const center = await getBeing(driver, soul);
      const depthOf = new Map<string, number>([[soul, 0]]);
      const edges = new Map<string, Relationship>();
      let frontier = [soul];
      let truncated = false;
      // NOTE: level by level with a visited set, so hubs and cycles cost one query per level, not one row per path.
      for (let level = 1; level <= depth && frontier.length && !truncated; level++) {
        const next: string[] = [];
        for (const { next: other, ...edge } of await neighborLevel(driver, frontier, direction)) {
          if (!depthOf.has(other)) {
            if (depthOf.size > MAX_NEIGHBORS) {
              truncated = true;
              continue;
            }
            depthOf.set(other, level);
            next.push(other);
          }
          edges.set(edge.id, edge);
        }
        frontier = next;
      }
      const souls = [...depthOf.keys()].filter((s) => s !== soul);
      const rows = souls.length
        ? await driver.query<{ soul: string; name: string | null; tags: string[]; energy_level: number }>(
            `SELECT soul::text AS soul, genesis ->> 'name' AS name, coalesce(tags, '{}') AS tags, coalesce(energy_level, 0) AS energy_level
             FROM base_beings WHERE soul = ANY($1::uuid[])`,
            [souls],
          )
        : [];
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

    async path({ from, to, max_depth, direction }) {
      await Promise.all([getBeing(driver, from), getBeing(driver, to)]);
      if (from === to) return { found: true, souls: [from], relationships: [] };
      const steps: string[] = [];
      if (direction !== "in") steps.push("SELECT r.target_soul AS next, r.id AS rel FROM relationships r WHERE r.source_soul = w.soul");
      if (direction !== "out") steps.push("SELECT r.source_soul AS next, r.id AS rel FROM relationships r WHERE r.target_soul = w.soul");
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
}

import "../serverOnly";
import { isCoreSoul } from "../../lib/coreBeings";
import { MAIN_BRANCH, MAX_JSON_BYTES, MAX_NEIGHBORS } from "../../lib/constants";
import type { JsonObject } from "../../lib/jsonMergePatch";
import {
  jsonByteLength,
  type Being,
  type BeingCreate,
  type BeingList,
  type BeingUpdate,
  type Direction,
  type GraphPath,
  type Neighborhood,
  type NeighborNode,
  type Page,
  type Relationship,
  type RelationshipCreate,
  type RelationshipList,
} from "../../lib/schemas";
import { sqlState, type SqlDriver, type SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import { migrate } from "./migrate";

/**
 * The Master Entity's store: the two-table world behind one interface.
 * Inputs are already validated (lib/schemas.ts); the store enforces what only
 * the database knows (existence, core beings, conflicts).
 */
export interface MasterStore {
  readonly kind: SqlDriver["kind"];
  readonly beings: {
    create(input: BeingCreate): Promise<Being>;
    /** Inserts many beings in one statement; returns their souls in input order. */
    createMany(inputs: readonly BeingCreate[]): Promise<string[]>;
    get(soul: string): Promise<Being>;
    update(input: BeingUpdate): Promise<Being>;
    /** Deletes the being and every relationship that touches it. */
    delete(soul: string): Promise<{ soul: string; relationships_deleted: number }>;
    list(input: BeingList): Promise<Page<Being>>;
  };
  readonly relationships: {
    create(input: RelationshipCreate): Promise<Relationship>;
    createMany(inputs: readonly RelationshipCreate[]): Promise<string[]>;
    get(id: string): Promise<Relationship>;
    delete(id: string): Promise<{ id: string }>;
    list(input: RelationshipList): Promise<Page<Relationship>>;
    neighbors(input: { soul: string; depth: number; direction: Direction }): Promise<Neighborhood>;
    path(input: { from: string; to: string; max_depth: number; direction: Direction }): Promise<GraphPath>;
  };
  stats(): Promise<{ beings: number; relationships: number }>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Runs raw SQL: for benchmarks, tests and migrations tooling only. */
  readonly sql: SqlExecutor;
  close(): Promise<void>;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const BEING_COLUMNS = `soul::text AS soul, coalesce(tags, '{}') AS tags, coalesce(energy_level, 0) AS energy_level,
  genesis, attributes, memories, self_awareness, branches, (embedding IS NOT NULL) AS has_embedding,
  to_char(created_at, ${ISO}) AS created_at, to_char(updated_at, ${ISO}) AS updated_at`;
const RELATIONSHIP_COLUMNS = `id::text AS id, coalesce(tags, '{}') AS tags, coalesce(energy_level, 0) AS energy_level,
  source_soul::text AS source_soul, target_soul::text AS target_soul, genesis, attributes, branches,
  to_char(created_at, ${ISO}) AS created_at, to_char(updated_at, ${ISO}) AS updated_at`;

type BeingRow = Omit<Being, "core">;

function toBeing(row: BeingRow): Being {
  return { ...row, core: isCoreSoul(row.soul) };
}

const vectorLiteral = (v: readonly number[] | null | undefined) => (v ? `[${v.join(",")}]` : null);
const json = (doc: JsonObject) => JSON.stringify(doc);

/** Keyset cursor: the last row's (created_at, id), opaque to callers. */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!createdAt || !id || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(createdAt) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new StoreError("INVALID", "The cursor is not one this server gave out: start again from the first page (omit cursor).");
  }
  return [createdAt, id];
}

/** Builds a WHERE clause from optional filters, numbering parameters as it goes. */
class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];
  add(clause: (p: (value: unknown) => string) => string): this {
    this.clauses.push(clause((value) => `$${this.params.push(value)}`));
    return this;
  }
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(" AND ")}` : "";
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function coreRefusal(soul: string, action: string): StoreError {
  return new StoreError(
    "CORE_IMMUTABLE",
    `Being ${soul} is a core being and can never be ${action}. Create a new being that names it as an ancestor instead.`,
  );
}

function notFound(kind: "Being" | "Relationship", id: string): StoreError {
  return new StoreError("NOT_FOUND", `${kind} ${id} does not exist (it may have been deleted).`);
}

/** Creates the store over a driver, applying pending migrations first. */
export async function createStore(driver: SqlDriver): Promise<MasterStore> {
  await migrate(driver);

  async function getBeing(q: SqlExecutor, soul: string): Promise<Being> {
    const [row] = await q.query<BeingRow>(`SELECT ${BEING_COLUMNS} FROM base_beings WHERE soul = $1`, [soul]);
    if (!row) throw notFound("Being", soul);
    return toBeing(row);
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

  function translate(error: unknown, context: { soul?: string; id?: string }): never {
    const state = sqlState(error);
    if (state === "LX001") throw coreRefusal(context.soul ?? "?", "changed");
    if (state === "23505") {
      throw new StoreError("CONFLICT", `${context.soul ? `A being with soul ${context.soul}` : `A relationship with id ${context.id}`} exists already: omit it to get a new one.`);
    }
    if (state === "23503") throw new StoreError("MISSING_ENDPOINT", "One end of the relationship does not exist (it was deleted meanwhile): check both souls.");
    throw error;
  }

  async function neighborLevel(q: SqlExecutor, frontier: string[], direction: Direction) {
    const parts: string[] = [];
    if (direction !== "in") parts.push(`SELECT ${RELATIONSHIP_COLUMNS}, target_soul::text AS next FROM relationships WHERE source_soul = ANY($1::uuid[])`);
    if (direction !== "out") parts.push(`SELECT ${RELATIONSHIP_COLUMNS}, source_soul::text AS next FROM relationships WHERE target_soul = ANY($1::uuid[])`);
    return q.query<Relationship & { next: string }>(parts.join(" UNION ALL "), [frontier]);
  }

  const beings: MasterStore["beings"] = {
    async create(input) {
      const soul = input.soul ?? crypto.randomUUID();
      try {
        const [row] = await driver.query<BeingRow>(
          `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, embedding)
           VALUES ($1, $2::text[], $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::text[], $9::vector)
           RETURNING ${BEING_COLUMNS}`,
          [
            soul,
            input.tags,
            input.energy_level,
            json(input.genesis),
            json(input.attributes),
            json(input.memories),
            json(input.self_awareness),
            input.branches ?? [MAIN_BRANCH],
            vectorLiteral(input.embedding),
          ],
        );
        return toBeing(row!);
      } catch (error) {
        translate(error, { soul });
      }
    },

    async createMany(inputs) {
      const rows = inputs.map((b) => ({
        soul: b.soul ?? crypto.randomUUID(),
        tags: b.tags,
        energy_level: b.energy_level,
        genesis: b.genesis,
        attributes: b.attributes,
        memories: b.memories,
        self_awareness: b.self_awareness,
        branches: b.branches ?? [MAIN_BRANCH],
        embedding: vectorLiteral(b.embedding),
      }));
      try {
        await driver.query(
          `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, embedding)
           SELECT soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, embedding::vector
           FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, tags text[], energy_level int, genesis jsonb, attributes jsonb,
             memories jsonb, self_awareness jsonb, branches text[], embedding text)`,
          [JSON.stringify(rows)],
        );
      } catch (error) {
        if (sqlState(error) === "23505") throw new StoreError("CONFLICT", "One of the souls exists already (or appears twice in the batch): omit souls to get new ones.");
        throw error;
      }
      return rows.map((r) => r.soul);
    },

    get: (soul) => getBeing(driver, soul),

    async update(input) {
      if (isCoreSoul(input.soul)) throw coreRefusal(input.soul, "changed");
      try {
        return await driver.transaction(async (tx) => {
          const patch = (doc: JsonObject | undefined) => (doc === undefined ? null : json(doc));
          const [row] = await tx.query<BeingRow>(
            `UPDATE base_beings SET
               tags = coalesce($2::text[], tags),
               energy_level = coalesce($3::int, energy_level),
               genesis = CASE WHEN $4::jsonb IS NULL THEN genesis ELSE luxos_merge_patch(genesis, $4::jsonb) END,
               attributes = CASE WHEN $5::jsonb IS NULL THEN attributes ELSE luxos_merge_patch(attributes, $5::jsonb) END,
               memories = CASE WHEN $6::jsonb IS NULL THEN memories ELSE luxos_merge_patch(memories, $6::jsonb) END,
               self_awareness = CASE WHEN $7::jsonb IS NULL THEN self_awareness ELSE luxos_merge_patch(self_awareness, $7::jsonb) END,
               branches = coalesce($8::text[], branches),
               embedding = CASE WHEN $9::boolean THEN $10::vector ELSE embedding END,
               updated_at = clock_timestamp() AT TIME ZONE 'UTC'
             WHERE soul = $1
             RETURNING ${BEING_COLUMNS}`,
            [
              input.soul,
              input.tags ?? null,
              input.energy_level ?? null,
              patch(input.genesis),
              patch(input.attributes),
              patch(input.memories),
              patch(input.self_awareness),
              input.branches ?? null,
              input.embedding !== undefined,
              vectorLiteral(input.embedding),
            ],
          );
          if (!row) throw notFound("Being", input.soul);
          for (const field of ["genesis", "attributes", "memories", "self_awareness"] as const) {
            if (jsonByteLength(row[field]) > MAX_JSON_BYTES) {
              throw new StoreError("INVALID", `After this change ${field} would be larger than ${MAX_JSON_BYTES / 1024} KB; nothing was changed. Remove keys (set them to null) or store large data elsewhere.`);
            }
          }
          return toBeing(row);
        });
      } catch (error) {
        translate(error, { soul: input.soul });
      }
    },

    async delete(soul) {
      if (isCoreSoul(soul)) throw coreRefusal(soul, "deleted");
      return driver.transaction(async (tx) => {
        const rels = await tx.query<{ id: string }>("DELETE FROM relationships WHERE source_soul = $1 OR target_soul = $1 RETURNING id", [soul]);
        const gone = await tx.query<{ soul: string }>("DELETE FROM base_beings WHERE soul = $1 RETURNING soul::text AS soul", [soul]);
        if (gone.length === 0) throw notFound("Being", soul);
        return { soul, relationships_deleted: rels.length };
      });
    },

    async list(input) {
      const where = new Where();
      if (input.tags_any?.length) where.add((p) => `tags && ${p(input.tags_any)}::text[]`);
      if (input.tags_all?.length) where.add((p) => `tags @> ${p(input.tags_all)}::text[]`);
      if (input.energy_min !== undefined) where.add((p) => `energy_level >= ${p(input.energy_min)}`);
      if (input.energy_max !== undefined) where.add((p) => `energy_level <= ${p(input.energy_max)}`);
      for (const field of ["genesis", "attributes", "memories", "self_awareness"] as const) {
        const doc = input[field];
        if (doc && Object.keys(doc).length) where.add((p) => `${field} @> ${p(json(doc))}::jsonb`);
      }
      if (input.name) where.add((p) => `genesis ->> 'name' ILIKE ${p(`%${escapeLike(input.name!)}%`)}`);
      if (input.cursor) {
        const [createdAt, soul] = decodeCursor(input.cursor);
        where.add((p) => `(created_at, soul) < (${p(createdAt)}::timestamp, ${p(soul)}::uuid)`);
      }
      const rows = await driver.query<BeingRow>(
        `SELECT ${BEING_COLUMNS} FROM base_beings ${where.sql} ORDER BY created_at DESC, soul DESC LIMIT ${input.limit + 1}`,
        where.params,
      );
      const items = rows.slice(0, input.limit).map(toBeing);
      const last = items.at(-1);
      return { items, next_cursor: rows.length > input.limit && last ? encodeCursor(last.created_at, last.soul) : null };
    },
  };

  const relationships: MasterStore["relationships"] = {
    async create(input) {
      const id = input.id ?? crypto.randomUUID();
      try {
        return await driver.transaction(async (tx) => {
          await checkEndpoints(tx, [input]);
          const [row] = await tx.query<Relationship>(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
             VALUES ($1, $2::text[], $3, $4, $5, $6::jsonb, $7::jsonb, $8::text[])
             RETURNING ${RELATIONSHIP_COLUMNS}`,
            [id, input.tags, input.energy_level, input.source_soul, input.target_soul, json(input.genesis), json(input.attributes), input.branches ?? [MAIN_BRANCH]],
          );
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
        if (sqlState(error) === "23505") throw new StoreError("CONFLICT", "One of the relationship ids exists already (or appears twice in the batch): omit ids to get new ones.");
        translate(error, {});
      }
      return rows.map((r) => r.id);
    },

    get: (id) => getRelationship(driver, id),

    async delete(id) {
      const gone = await driver.query("DELETE FROM relationships WHERE id = $1 RETURNING id", [id]);
      if (gone.length === 0) throw notFound("Relationship", id);
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
        `SELECT ${RELATIONSHIP_COLUMNS} FROM relationships ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ${input.limit + 1}`,
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

  return {
    kind: driver.kind,
    beings,
    relationships,
    sql: driver,
    async stats() {
      const [row] = await driver.query<{ beings: number; relationships: number }>(
        "SELECT (SELECT count(*)::int FROM base_beings) AS beings, (SELECT count(*)::int FROM relationships) AS relationships",
      );
      return row!;
    },
    async ping() {
      await driver.query("SELECT 1");
    },
    close: () => driver.close(),
  };
}

import "../serverOnly";
import { isCoreSoul } from "../../lib/coreBeings";
import { MAIN_BRANCH, MAX_JSON_BYTES } from "../../lib/constants";
import type { JsonObject } from "../../lib/jsonMergePatch";
import { jsonByteLength, type Being, type BeingCreate, type BeingList, type BeingUpdate, type Page } from "../../lib/schemas";
import { sqlState, type SqlDriver } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";
import {
  BEING_COLUMNS,
  coreRefusal,
  decodeCursor,
  encodeCursor,
  escapeLike,
  getBeing,
  json,
  notFound,
  toBeing,
  translate,
  vectorLiteral,
  Where,
  type BeingRow,
} from "./sql";

/** The beings half of the master store: rows of `base_beings`. */
export interface BeingsRepo {
  create(input: BeingCreate): Promise<Being>;
  /** Inserts many beings in one statement; returns their souls in input order. */
  createMany(inputs: readonly BeingCreate[]): Promise<string[]>;
  get(soul: string): Promise<Being>;
  update(input: BeingUpdate): Promise<Being>;
  /** Deletes the being and every relationship that touches it. */
  delete(soul: string): Promise<{ soul: string; relationships_deleted: number }>;
  list(input: BeingList): Promise<Page<Being>>;
}

export function createBeingsRepo(driver: SqlDriver, maintenance: Maintenance): BeingsRepo {
  return {
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
        maintenance.noteWrites("base_beings", 1);
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
        if (sqlState(error) === "23505")
          throw new StoreError("CONFLICT", "One of the souls exists already (or appears twice in the batch): omit souls to get new ones.");
        throw error;
      }
      maintenance.noteWrites("base_beings", rows.length);
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
              throw new StoreError(
                "INVALID",
                `After this change ${field} would be larger than ${MAX_JSON_BYTES / 1024} KB; nothing was changed. Remove keys (set them to null) or store large data elsewhere.`,
              );
            }
          }
          maintenance.noteWrites("base_beings", 1);
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
        maintenance.noteWrites("base_beings", 1);
        maintenance.noteWrites("relationships", rels.length);
        return { soul, relationships_deleted: rels.length };
      });
    },

    async list(input) {
      const where = new Where();
      if (input.tags_any?.length) where.add((p) => `tags && ${p(input.tags_any)}::text[]`);
      if (input.tags_all?.length) where.add((p) => `tags @> ${p(input.tags_all)}::text[]`);
      if (input.energy_min !== undefined) where.add((p) => `energy_level >= ${p(input.energy_min)}`);
      if (input.energy_max !== undefined) where.add((p) => `energy_level <= ${p(input.energy_max)}`);
      let containment = false;
      for (const field of ["genesis", "attributes", "memories", "self_awareness"] as const) {
        const doc = input[field];
        if (doc && Object.keys(doc).length) {
          containment = true;
          where.add((p) => `${field} @> ${p(json(doc))}::jsonb`);
        }
      }
      if (input.name) where.add((p) => `genesis ->> 'name' ILIKE ${p(`%${escapeLike(input.name!)}%`)}`);
      if (input.cursor) {
        const [createdAt, soul] = decodeCursor(input.cursor);
        where.add((p) => `(created_at, soul) < (${p(createdAt)}::timestamp, ${p(soul)}::uuid)`);
      }
      // NOTE: the page's keys are chosen first, on the raw columns, so the (created_at, soul) index
      // serves the ORDER BY (the select list's aliases would shadow the columns), and the full
      // columns are computed for one page only. PostgreSQL keeps no statistics inside JSON documents,
      // so for a containment filter it guesses and often walks the whole created_at index checking
      // each row; the matches are fenced off first (a GIN lookup), then sorted (bench/README.md).
      const source = containment ? "matches" : `base_beings ${where.sql}`;
      const rows = await driver.query<BeingRow>(
        `WITH ${containment ? `matches AS MATERIALIZED (SELECT soul, created_at FROM base_beings ${where.sql}),` : ""}
         page AS (
           SELECT soul AS k_soul, created_at AS k_created FROM ${source}
           ORDER BY created_at DESC, soul DESC LIMIT ${input.limit + 1}
         )
         SELECT ${BEING_COLUMNS} FROM page JOIN base_beings ON soul = page.k_soul ORDER BY page.k_created DESC, page.k_soul DESC`,
        where.params,
      );
      const items = rows.slice(0, input.limit).map(toBeing);
      const last = items.at(-1);
      return { items, next_cursor: rows.length > input.limit && last ? encodeCursor(last.created_at, last.soul) : null };
    },
  };
}

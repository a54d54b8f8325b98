import "../serverOnly";
import { isCoreSoul } from "../../lib/coreBeings";
import { MAIN_BRANCH, MAX_JSON_BYTES } from "../../lib/constants";
import type { JsonObject } from "../../lib/jsonMergePatch";
import { jsonByteLength, type Being, type BeingCreate, type BeingList, type BeingUpdate, type Page } from "../../lib/schemas";
import { newRowBranches, type BranchView, type BranchViews } from "./branchViews";
import { sqlState, type SqlDriver, type SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";
import { copyOnWrite, getVisible, ownRowPredicate, ownsRow, visibleRows } from "./versions";
import {
  BEING_COLUMN_NAMES,
  BEING_COLUMNS,
  coreRefusal,
  decodeCursor,
  encodeCursor,
  escapeLike,
  json,
  notFound,
  toBeing,
  translate,
  vectorLiteral,
  Where,
  type BeingRow,
} from "./sql";

/** The beings half of the master store: rows of `base_beings`. */
/**
 * Every call carries its branch (main when omitted). In a branch a new being is a row tagged
 * with the branch; a change or deletion of a being the branch did not create is a copy-on-write
 * version of that one being (server/db/versions.ts), so no other branch's rows ever change.
 */
export interface BeingsRepo {
  create(input: BeingCreate): Promise<Being>;
  /** Inserts many beings in one statement; returns their souls in input order. */
  createMany(inputs: readonly BeingCreate[]): Promise<string[]>;
  get(soul: string, branch?: string): Promise<Being>;
  update(input: BeingUpdate): Promise<Being>;
  /** Deletes the being and every relationship of the branch that touches it (in a branch, a being it did not create gets a tombstone version). */
  delete(soul: string, branch?: string): Promise<{ soul: string; relationships_deleted: number }>;
  list(input: BeingList): Promise<Page<Being>>;
}

export function createBeingsRepo(driver: SqlDriver, maintenance: Maintenance, views: BranchViews): BeingsRepo {
  /** Runs `fn` in a transaction in which the branch is checked writable (and locked against a merge or drop); main needs neither. */
  async function writeIn<T>(branch: string, fn: (tx: SqlExecutor, view: BranchView) => Promise<T>): Promise<T> {
    const view = await views.view(branch);
    if (view.id === MAIN_BRANCH) return fn(driver, view);
    return driver.transaction(async (tx) => {
      await views.assertWritable(tx, view);
      return fn(tx, view);
    });
  }

  return {
    async create(input) {
      const soul = input.soul ?? crypto.randomUUID();
      const branches = newRowBranches(input, "being");
      try {
        const [row] = await writeIn(input.branch ?? MAIN_BRANCH, (tx) =>
          tx.query<BeingRow>(
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
              branches,
              vectorLiteral(input.embedding),
            ],
          ),
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
        branches: newRowBranches(b, "being"),
        embedding: vectorLiteral(b.embedding),
      }));
      const inBranches = [...new Set(inputs.map((b) => b.branch ?? MAIN_BRANCH))].filter((b) => b !== MAIN_BRANCH);
      try {
        await driver.transaction(async (tx) => {
          for (const branch of inBranches) await views.assertWritable(tx, await views.view(branch, tx));
          await tx.query(
            `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, embedding)
           SELECT soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, embedding::vector
           FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, tags text[], energy_level int, genesis jsonb, attributes jsonb,
             memories jsonb, self_awareness jsonb, branches text[], embedding text)`,
            [JSON.stringify(rows)],
          );
        });
      } catch (error) {
        if (sqlState(error) === "23505")
          throw new StoreError("CONFLICT", "One of the souls exists already (or appears twice in the batch): omit souls to get new ones.");
        throw error;
      }
      maintenance.noteWrites("base_beings", rows.length);
      return rows.map((r) => r.soul);
    },

    async get(soul, branch = MAIN_BRANCH) {
      return getVisible(driver, await views.view(branch), soul);
    },

    async update(input) {
      if (isCoreSoul(input.soul)) throw coreRefusal(input.soul, "changed");
      const branch = input.branch ?? MAIN_BRANCH;
      if (branch !== MAIN_BRANCH && input.branches && (input.branches.length !== 1 || input.branches[0] !== branch)) {
        throw new StoreError("INVALID", `In branch ${branch} a being's branches cannot be changed: omit branches (a merge moves changes between branches).`);
      }
      try {
        return await writeIn(branch, async (q, view) => {
          // In main the row is changed in place; in a branch, the branch's own row, or a copy-on-write version made first.
          let table = "base_beings";
          let own = `'main' = ANY(branches)`;
          const params: unknown[] = [];
          if (view.id !== MAIN_BRANCH) {
            const seen = (await visibleRows(q, view, [input.soul])).get(input.soul);
            if (!seen || seen.deleted) throw notFound("Being", input.soul);
            if (!ownsRow(view, seen)) await copyOnWrite(q, view, seen);
            table = seen.source === "base" && ownsRow(view, seen) ? "base_beings" : "being_versions";
            own = ownRowPredicate("$11");
            params.push(view.id);
          }
          return patchRow(q, table, own, input, params);
        });
      } catch (error) {
        translate(error, { soul: input.soul });
      }
    },

    async delete(soul, branch = MAIN_BRANCH) {
      if (isCoreSoul(soul)) throw coreRefusal(soul, "deleted");
      return writeIn(branch, async (q, view) => {
        if (view.id !== MAIN_BRANCH) {
          const seen = (await visibleRows(q, view, [soul])).get(soul);
          if (!seen || seen.deleted) throw notFound("Being", soul);
          if (!ownsRow(view, seen)) {
            await copyOnWrite(q, view, seen, { deleted: true });
            return { soul, relationships_deleted: 0 };
          }
          if (seen.source === "version") {
            await q.query(
              `UPDATE being_versions SET deleted = true, row_version = nextval('luxos_row_version'), updated_at = clock_timestamp() AT TIME ZONE 'UTC'
               WHERE soul = $1 AND ${ownRowPredicate("$2")}`,
              [soul, view.id],
            );
            return { soul, relationships_deleted: 0 };
          }
        }
        return deleteRow(q, view, soul);
      });
    },

    async list(input) {
      const view = await views.view(input.branch ?? MAIN_BRANCH);
      return view.id === MAIN_BRANCH ? listMain(driver, input) : listInBranch(driver, view, input);
    },
  };

  /** Deletes a base row the branch owns with its relationships (in main, every relationship touching it: they reference it). */
  async function deleteRow(q: SqlExecutor, view: BranchView, soul: string) {
    const run = async (tx: SqlExecutor) => {
      // NOTE: branches' copy-on-write versions of these relationships go too (they reference the being), but are not counted.
      const rels = await tx
        .query<{ id: string | null }>(
          "DELETE FROM relationships WHERE source_soul = $1 OR target_soul = $1 RETURNING (CASE WHEN version_of IS NULL THEN id END) AS id",
          [soul],
        )
        .then((rows) => rows.filter((r) => r.id !== null));
      const gone = await tx.query<{ soul: string }>(
        `DELETE FROM base_beings WHERE soul = $1 AND ${view.id === MAIN_BRANCH ? `'main' = ANY(branches)` : ownRowPredicate("$2")} RETURNING soul::text AS soul`,
        view.id === MAIN_BRANCH ? [soul] : [soul, view.id],
      );
      if (gone.length === 0) throw notFound("Being", soul);
      maintenance.noteWrites("base_beings", 1);
      maintenance.noteWrites("relationships", rels.length);
      return { soul, relationships_deleted: rels.length };
    };
    return q === driver ? driver.transaction(run) : run(q);
  }

  /** Applies a merge patch to one row of `table` chosen by soul and `own` (whose parameters follow the ten of the patch). */
  async function patchRow(q: SqlExecutor, table: string, own: string, input: BeingUpdate, ownParams: unknown[]): Promise<Being> {
    const run = async (tx: SqlExecutor) => {
      const patch = (doc: JsonObject | undefined) => (doc === undefined ? null : json(doc));
      const [row] = await tx.query<BeingRow>(
        `UPDATE ${table} SET
               tags = coalesce($2::text[], tags),
               energy_level = coalesce($3::int, energy_level),
               genesis = CASE WHEN $4::jsonb IS NULL THEN genesis ELSE luxos_merge_patch(genesis, $4::jsonb) END,
               attributes = CASE WHEN $5::jsonb IS NULL THEN attributes ELSE luxos_merge_patch(attributes, $5::jsonb) END,
               memories = CASE WHEN $6::jsonb IS NULL THEN memories ELSE luxos_merge_patch(memories, $6::jsonb) END,
               self_awareness = CASE WHEN $7::jsonb IS NULL THEN self_awareness ELSE luxos_merge_patch(self_awareness, $7::jsonb) END,
               branches = coalesce($8::text[], branches),
               embedding = CASE WHEN $9::boolean THEN $10::vector ELSE embedding END,
               updated_at = clock_timestamp() AT TIME ZONE 'UTC'${table === "being_versions" ? `, row_version = nextval('luxos_row_version')` : ""}
             WHERE soul = $1 AND ${own}
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
          ...ownParams,
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
      maintenance.noteWrites(table === "base_beings" ? "base_beings" : "being_versions", 1);
      return toBeing(row);
    };
    return q === driver ? driver.transaction(run) : run(q);
  }
}

/**
 * The stored columns BEING_COLUMNS is computed from, with `embedding` standing in as true or null (BEING_COLUMNS
 * asks only whether there is one): a page's candidates are sorted without carrying 384 floats each.
 */
const RAW_BEING_COLUMNS =
  "soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, nullif(embedding IS NOT NULL, false) AS embedding, created_at, updated_at";

/** The filters of a list, on the columns base_beings and being_versions share. */
function listFilters(input: BeingList): { where: Where; containment: boolean } {
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
  return { where, containment };
}

function toPage(rows: BeingRow[], limit: number): Page<Being> {
  const items = rows.slice(0, limit).map(toBeing);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(last.created_at, last.soul) : null };
}

/** A page of main's beings, newest first. */
async function listMain(q: SqlExecutor, input: BeingList): Promise<Page<Being>> {
  const { where, containment } = listFilters(input);
  // NOTE: not `branches @> '{main}'`: that invites the branches GIN index, which matches nearly every row.
  where.add(() => `'main' = ANY(branches)`);
  // NOTE: the page's keys are chosen first, on the raw columns, so the (created_at, soul) index
  // serves the ORDER BY (the select list's aliases would shadow the columns), and the full
  // columns are computed for one page only. PostgreSQL keeps no statistics inside JSON documents,
  // so for a containment filter it guesses and often walks the whole created_at index checking
  // each row; the matches are fenced off first (a GIN lookup), then sorted (bench/README.md).
  const source = containment ? "matches" : `base_beings ${where.sql}`;
  const rows = await q.query<BeingRow>(
    `WITH ${containment ? `matches AS MATERIALIZED (SELECT soul, created_at FROM base_beings ${where.sql}),` : ""}
     page AS (
       SELECT soul AS k_soul, created_at AS k_created FROM ${source}
       ORDER BY created_at DESC, soul DESC LIMIT ${input.limit + 1}
     )
     SELECT ${BEING_COLUMNS} FROM page JOIN base_beings ON soul = page.k_soul ORDER BY page.k_created DESC, page.k_soul DESC`,
    where.params,
  );
  return toPage(rows, input.limit);
}

/**
 * A page of the beings a branch sees: per soul the row of the nearest visible branch (its own
 * versions first), without the ones it deleted. A base row shows only when no nearer version of
 * its soul exists, whether or not that version matches the filters.
 */
async function listInBranch(q: SqlExecutor, view: BranchView, input: BeingList): Promise<Page<Being>> {
  const { where, containment } = listFilters(input);
  const v = `$${where.params.push(view.visible)}::text[]`;
  const limit = input.limit + 1;
  // A row's rank: the position of its branch (first tag) in the visible set, nearest first (the branch itself is 1).
  const rank = (alias: string) => `coalesce(array_position(${v}, ${alias}.branches[1]), 2147483647)`;
  // Whether a nearer version of the row's soul hides it: never for the branch's own rows (rank 1), else a probe
  // of the (soul, branches) index. NOTE: OFFSET 0 keeps it a per-row probe: pulled up into an anti-join, the
  // planner (which rarely has fresh statistics for the small versions table) scanned every version per row.
  const shown = (alias: string) =>
    `(${rank(alias)} = 1 OR NOT EXISTS (SELECT 1 FROM being_versions w WHERE w.soul = ${alias}.soul AND array_position(${v}, w.branches[1]) < ${rank(alias)} OFFSET 0))`;
  // The versions a branch sees are few: filtered with their own indexes, top-N sorted. Each side projects its
  // columns for its own page only (at most `limit` rows); the two pages are then merged.
  const versionSide = `SELECT ${BEING_COLUMNS}, x.created_at AS k_created, x.soul AS k_soul FROM being_versions x
     WHERE x.branches && ${v} AND NOT x.deleted AND ${where.conditions} AND ${shown("x")}
     ORDER BY x.created_at DESC, x.soul DESC LIMIT ${limit}`;
  // NOTE: main's rows come first, in main's order (the created_at index newest first, or the fenced-off matches
  // sorted); the probe filters them above that order (OFFSET 0 keeps it out of the scan, where it probed every
  // match of a rare tag's GIN lookup) until the page is full. The level with the probe has no ORDER BY of its own,
  // so the planner plans the inner read for the first rows only, as main's LIMIT does. A broad filter reads each
  // candidate's stored columns in that one pass; a containment filter's matches hold keys only and are fetched by key.
  const baseSide = containment
    ? `SELECT ${BEING_COLUMNS}, k.k_created, k.k_soul FROM (
         SELECT m.soul AS k_soul, m.created_at AS k_created FROM (SELECT soul, created_at, branches FROM matches ORDER BY created_at DESC, soul DESC OFFSET 0) m
         WHERE ${shown("m")} LIMIT ${limit}
       ) k JOIN base_beings ON soul = k.k_soul`
    : `SELECT ${BEING_COLUMNS}, created_at AS k_created, soul AS k_soul FROM (
         SELECT ${RAW_BEING_COLUMNS} FROM base_beings WHERE ${where.conditions} AND branches && ${v} ORDER BY created_at DESC, soul DESC OFFSET 0
       ) m WHERE ${shown("m")} LIMIT ${limit}`;
  const rows = await q.query<BeingRow>(
    `${containment ? `WITH matches AS MATERIALIZED (SELECT soul, created_at, branches FROM base_beings WHERE ${where.conditions} AND branches && ${v})` : ""}
     SELECT ${BEING_COLUMN_NAMES} FROM ((${versionSide}) UNION ALL (${baseSide})) c ORDER BY k_created DESC, k_soul DESC LIMIT ${limit}`,
    where.params,
  );
  return toPage(rows, input.limit);
}

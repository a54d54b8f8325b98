import "../serverOnly";
import { isCoreSoul } from "../../lib/coreBeings";
import type { JsonObject } from "../../lib/jsonMergePatch";
import type { Being } from "../../lib/schemas";
import { sqlState, type SqlExecutor } from "./driver";
import { StoreError } from "./errors";

/** SQL pieces and row mapping shared by the beings and relationships repositories. */

export const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
export const BEING_COLUMNS = `soul::text AS soul, coalesce(tags, '{}') AS tags, coalesce(energy_level, 0) AS energy_level,
  genesis, attributes, memories, self_awareness, branches, (embedding IS NOT NULL) AS has_embedding,
  to_char(created_at, ${ISO}) AS created_at, to_char(updated_at, ${ISO}) AS updated_at`;
/** The names BEING_COLUMNS answers, to pick them out of a query that also carries sort keys. */
export const BEING_COLUMN_NAMES = "soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, has_embedding, created_at, updated_at";
export const RELATIONSHIP_COLUMNS = `id::text AS id, coalesce(tags, '{}') AS tags, coalesce(energy_level, 0) AS energy_level,
  source_soul::text AS source_soul, target_soul::text AS target_soul, genesis, attributes, branches,
  to_char(created_at, ${ISO}) AS created_at, to_char(updated_at, ${ISO}) AS updated_at`;

export type BeingRow = Omit<Being, "core">;

export function toBeing(row: BeingRow): Being {
  return { ...row, core: isCoreSoul(row.soul) };
}

export const vectorLiteral = (v: readonly number[] | null | undefined) => (v ? `[${v.join(",")}]` : null);
export const json = (doc: JsonObject) => JSON.stringify(doc);

/** Keyset cursor: the last row's (created_at, id), opaque to callers. */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): [string, string] {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!createdAt || !id || !/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(createdAt) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new StoreError("INVALID", "The cursor is not one this server gave out: start again from the first page (omit cursor).");
  }
  return [createdAt, id];
}

/** Builds a WHERE clause from optional filters, numbering parameters as it goes. */
export class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];
  add(clause: (p: (value: unknown) => string) => string): this {
    this.clauses.push(clause((value) => `$${this.params.push(value)}`));
    return this;
  }
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(" AND ")}` : "";
  }
  /** The clauses joined with AND, for use inside a larger condition (TRUE when there are none). */
  get conditions(): string {
    return this.clauses.length ? this.clauses.join(" AND ") : "TRUE";
  }
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function coreRefusal(soul: string, action: string): StoreError {
  return new StoreError("CORE_IMMUTABLE", `Being ${soul} is a core being and can never be ${action}. Create a new being that names it as an ancestor instead.`);
}

export function notFound(kind: "Being" | "Relationship", id: string): StoreError {
  return new StoreError("NOT_FOUND", `${kind} ${id} does not exist (it may have been deleted).`);
}

/** Creates the store over a driver, applying pending migrations first. */
export async function getBeing(q: SqlExecutor, soul: string): Promise<Being> {
  const [row] = await q.query<BeingRow>(`SELECT ${BEING_COLUMNS} FROM base_beings WHERE soul = $1`, [soul]);
  if (!row) throw notFound("Being", soul);
  return toBeing(row);
}

/** Maps database errors to store errors a person can act on; rethrows anything else. */
export function translate(error: unknown, context: { soul?: string; id?: string }): never {
  const state = sqlState(error);
  if (state === "LX001") throw coreRefusal(context.soul ?? "?", "changed");
  if (state === "23505") {
    throw new StoreError(
      "CONFLICT",
      `${context.soul ? `A being with soul ${context.soul}` : `A relationship with id ${context.id}`} exists already: omit it to get a new one.`,
    );
  }
  if (state === "23503") throw new StoreError("MISSING_ENDPOINT", "One end of the relationship does not exist (it was deleted meanwhile): check both souls.");
  throw error;
}

import "../serverOnly";
import { hashEmbed } from "../../lib/embed";
import { ASK_EF_SEARCH, MAX_PROVENANCE_SOURCES } from "../../lib/knowledge/constants";
import {
  FACT_TAG,
  LEARNED_RELATIONSHIP,
  type Fact,
  type FactAck,
  type KnowledgeAsk,
  type KnowledgeHit,
  type KnowledgePull,
  type KnowledgePullOutput,
  type KnowledgePushOutput,
  type ProvenanceSource,
} from "../../lib/knowledge/contract";
import { applyFacts, lockIngest } from "./applyFacts";
import type { SqlDriver } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";
import { vectorLiteral } from "./sql";

/** What the master knows: facts beings taught it, as fact beings in `base_beings`. */
export interface KnowledgeRepo {
  /**
   * Applies a batch of facts in one transaction, exactly once per fact id (a replay answers the
   * first acks). A near-duplicate merges into the fact it repeats. Throws MISSING_ENDPOINT, and
   * stores nothing, when a fact's source is no being here.
   */
  push(facts: readonly Fact[]): Promise<KnowledgePushOutput>;
  /** The facts nearest a question (HNSW), with provenance. The store finds; composing an answer is the router's. */
  search(query: KnowledgeSearch): Promise<KnowledgeHit[]>;
  /** Facts changed since a cursor, oldest change first. */
  pull(input: KnowledgePull): Promise<KnowledgePullOutput>;
}

export type KnowledgeSearch = Omit<KnowledgeAsk, "compose">;

export interface KnowledgeOptions {
  /** Cosine similarity at or above which a pushed fact merges into one the master holds (LUXOS_KNOWLEDGE_MERGE_THRESHOLD). */
  readonly mergeThreshold: number;
}

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const CURSOR_PREFIX = "k1.";

/** The pull feed's position, opaque to callers: the last change sequence number they have. */
export function encodePullCursor(changeSeq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${changeSeq}`).toString("base64url");
}

export function decodePullCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const n = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(n) || n < 0) {
    throw new StoreError("INVALID", "The cursor is not one knowledge.pull gave out: start again from the beginning (since: null).");
  }
  return n;
}

interface HitRow {
  fact: string;
  text: string;
  similarity: number;
  confidence: number;
  corroboration: number;
  first_learned: string;
  last_learned: string;
}

interface PulledRow {
  fact: string;
  text: string;
  confidence: number;
  corroboration: number;
  sources: string[];
  updated_at: string;
  change_seq: number;
  embedding?: string;
  head: number | null;
}

export function createKnowledgeRepo(driver: SqlDriver, maintenance: Maintenance, options: KnowledgeOptions): KnowledgeRepo {
  return {
    async push(facts) {
      const pending = facts.map((f) => ({ ...f, learned_at: f.learned_at ? new Date(f.learned_at).toISOString() : new Date().toISOString() }));
      const { outcomes, written } = await driver.transaction(async (tx) => {
        await lockIngest(tx);
        return applyFacts(tx, pending, { mergeThreshold: options.mergeThreshold, unknownSource: "refuse" });
      });
      maintenance.noteWrites("base_beings", written.beings);
      maintenance.noteWrites("knowledge_facts", written.beings);
      maintenance.noteWrites("relationships", written.relationships);
      const acks = facts.map((f): FactAck => {
        const outcome = outcomes.get(f.id);
        if (!outcome || !("ack" in outcome)) throw new Error(`fact ${f.id} was neither applied nor refused`);
        return outcome.ack;
      });
      return { acks };
    },

    async search(query) {
      const vector = query.vector ? Float32Array.from(query.vector) : hashEmbed(query.text ?? "");
      if (!vector.some((x) => x !== 0)) return [];
      const params: unknown[] = [vectorLiteral(Array.from(vector)), query.branch];
      const filters = [`tags @> ARRAY['${FACT_TAG}']::text[]`, "branches @> ARRAY[$2]::text[]"];
      if (query.min_confidence !== undefined) filters.push(`(attributes ->> 'confidence')::float8 >= $${params.push(query.min_confidence)}`);
      if (query.sources?.length) filters.push(`attributes -> 'sources' ?| $${params.push(query.sources)}::text[]`);
      // NOTE: relaxed_order lets pgvector keep scanning the HNSW graph until k rows pass the filters
      // (without it a selective filter leaves fewer than k); the outer ORDER BY restores exact order.
      return driver.transaction(async (tx) => {
        await tx.query("SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)", [String(ASK_EF_SEARCH)]);
        const rows = await tx.query<HitRow>(
          `SELECT h.soul::text AS fact, coalesce(b.attributes ->> 'text', '') AS text, 1 - h.distance AS similarity,
             k.confidence::numeric::float8 AS confidence, k.corroboration,
             to_char(k.first_learned AT TIME ZONE 'UTC', ${ISO_MS}) AS first_learned, to_char(k.last_learned AT TIME ZONE 'UTC', ${ISO_MS}) AS last_learned
           FROM (SELECT soul, embedding <=> $1::vector AS distance FROM base_beings WHERE ${filters.join(" AND ")}
                 ORDER BY embedding <=> $1::vector LIMIT ${query.k}) h
           JOIN base_beings b USING (soul) JOIN knowledge_facts k USING (soul)
           ORDER BY h.distance, h.soul`,
          params,
        );
        if (rows.length === 0) return [];
        const provenance = await tx.query<ProvenanceSource & { fact: string }>(
          `SELECT f.fact::text AS fact, p.soul, p.name, p.learned_at, p.confidence
           FROM unnest($1::uuid[]) AS f(fact)
           CROSS JOIN LATERAL (
             SELECT r.source_soul::text AS soul, s.genesis ->> 'name' AS name,
               coalesce(r.attributes ->> 'last_learned', to_char(r.created_at, ${ISO_MS})) AS learned_at,
               coalesce((r.attributes ->> 'confidence')::float8, 0) AS confidence
             FROM relationships r JOIN base_beings s ON s.soul = r.source_soul
             WHERE r.target_soul = f.fact AND r.tags @> ARRAY['${LEARNED_RELATIONSHIP}']::text[] AND r.version_of IS NULL
             ORDER BY r.attributes ->> 'last_learned' DESC LIMIT ${MAX_PROVENANCE_SOURCES}
           ) p`,
          [rows.map((r) => r.fact)],
        );
        const sources = new Map<string, ProvenanceSource[]>();
        for (const { fact, ...source } of provenance) {
          const list = sources.get(fact) ?? [];
          list.push(source);
          sources.set(fact, list);
        }
        return rows.map((r) => ({ ...r, sources: sources.get(r.fact) ?? [] }));
      });
    },

    async pull(input) {
      const since = input.since ? decodePullCursor(input.since) : 0;
      const params: unknown[] = [input.branch, since];
      const except = input.except_source ? `AND NOT (k.sources <@ ARRAY[$${params.push(input.except_source)}]::uuid[])` : "";
      // NOTE: the newest change is read in the same statement (one snapshot) as the page, so jumping
      // the cursor to it never passes over a fact the page did not see. A page left empty by the
      // filter still answers one row, with the head alone.
      const rows = await driver.query<PulledRow | { fact: null; head: number | null }>(
        `SELECT p.*, h.head
         FROM (SELECT max(change_seq)::float8 AS head FROM knowledge_facts WHERE branch = $1) h
         LEFT JOIN LATERAL (
           SELECT k.soul::text AS fact, coalesce(b.attributes ->> 'text', '') AS text, k.confidence::numeric::float8 AS confidence, k.corroboration,
             k.sources::text[] AS sources, to_char(b.updated_at, ${ISO_MS}) AS updated_at, k.change_seq::float8 AS change_seq
             ${input.embeddings ? ", b.embedding::text AS embedding" : ""}
           FROM knowledge_facts k JOIN base_beings b USING (soul)
           WHERE k.branch = $1 AND k.change_seq > $2 ${except}
           ORDER BY k.change_seq LIMIT ${input.limit + 1}
         ) p ON true
         ORDER BY p.change_seq`,
        params,
      );
      const head = rows[0]?.head ?? null;
      const found = rows.filter((r): r is PulledRow => r.fact !== null);
      const page = found.slice(0, input.limit);
      const done = found.length <= input.limit;
      const last = page.at(-1)?.change_seq;
      // NOTE: at the end of the feed the cursor jumps to the newest change even when the filter left
      // the last ones out, so they are not read again next time.
      const position = done ? Math.max(since, head ?? 0, last ?? 0) : last!;
      return {
        facts: page.map((r) => ({
          fact: r.fact,
          text: r.text,
          confidence: r.confidence,
          corroboration: r.corroboration,
          sources: r.sources,
          updated_at: r.updated_at,
          ...(r.embedding !== undefined && { embedding: JSON.parse(r.embedding) as number[] }),
        })),
        cursor: position > 0 ? encodePullCursor(position) : (input.since ?? null),
        done,
      };
    },
  };
}

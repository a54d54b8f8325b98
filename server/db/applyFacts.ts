import "../serverOnly";
import { createHash } from "node:crypto";
import { hashEmbed } from "../../lib/embed";
import { ASK_EF_SEARCH, FACT_ENERGY_PER_CORROBORATION, FACT_NAME_CHARS, NEAREST_CANDIDATES } from "../../lib/knowledge/constants";
import { FACT_TAG, LEARNED_RELATIONSHIP, SHARES_KNOWLEDGE_RELATIONSHIP, type FactAck } from "../../lib/knowledge/contract";
import { sqlState, type SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import { vectorLiteral } from "./sql";

/** One fact to apply: a `knowledge.push` fact or a `knowledge.learned` event, parsed. */
export interface PendingFact {
  readonly id: string;
  readonly text: string;
  readonly embedding?: readonly number[] | undefined;
  readonly source: string;
  readonly branch: string;
  readonly confidence: number;
  /** ISO 8601 UTC. */
  readonly learned_at: string;
}

/** What became of one fact: applied (an ack), or skipped with the reason (only when asked to skip). */
export type FactOutcome = { readonly ack: FactAck } | { readonly skipped: string };

export interface ApplyOptions {
  /** Cosine similarity at or above which a fact merges into one the master holds. */
  readonly mergeThreshold: number;
  /**
   * What a fact whose source is no being here becomes: `refuse` throws for the whole batch
   * (knowledge.push), `skip` records the fact as skipped and goes on (events.push, where the event is kept).
   */
  readonly unknownSource: "refuse" | "skip";
}

export interface ApplyResult {
  readonly outcomes: ReadonlyMap<string, FactOutcome>;
  /** Rows written, for maintenance. */
  readonly written: { readonly beings: number; readonly relationships: number };
}

/** Facts kept in one place: a fact being the master holds, as this batch changes it. */
interface Target {
  readonly soul: string;
  readonly branch: string;
  readonly isNew: boolean;
  readonly text: string;
  readonly vector: Float32Array;
  sources: string[];
  corroboration: number;
  confidence: number;
  first: string;
  last: string;
}

interface Learned {
  source: string;
  fact: string;
  branch: string;
  times: number;
  confidence: number;
  first: string;
  last: string;
}

interface ReceiptRow {
  id: string;
  fact: string | null;
  status: "created" | "merged" | "skipped";
  corroboration: number;
  reason: string | null;
}

// NOTE: `v` is read as a vector once per probe; a `q.v::vector` cast inside the lateral query would
// parse the 384 numbers again for every row it compares. The candidates come from the HNSW index
// alone (no filter beside it), and the filters apply to them after: with `branches @> ARRAY[q.branch]`
// inside, the planner cannot estimate the outer branch, takes the branches GIN index and compares
// every fact of the branch with every probe (seen: 46 ms a probe at 4k facts, growing with them).
export const NEAREST_SQL = `
  SELECT q.i, n.soul::text AS soul, 1 - n.distance AS similarity
  FROM jsonb_to_recordset($1::jsonb) AS q(i int, v vector, branch text)
  CROSS JOIN LATERAL (
    SELECT c.soul, c.distance
    FROM (SELECT b.soul, b.tags, b.branches, b.embedding <=> q.v AS distance FROM base_beings b ORDER BY b.embedding <=> q.v LIMIT ${NEAREST_CANDIDATES}) c
    WHERE c.tags @> ARRAY['${FACT_TAG}']::text[] AND c.branches @> ARRAY[q.branch]
      AND EXISTS (SELECT 1 FROM knowledge_facts k WHERE k.soul = c.soul)
    ORDER BY c.distance
    LIMIT 1
  ) n`;

/** A UUID (version 8, RFC 9562) derived from its parts, so the same pair always upserts the same relationship. */
export function derivedUuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("|")).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The fact's vector as a unit Float32Array; null when it has no direction (a text without words, a zero vector). */
export function unitVector(fact: Pick<PendingFact, "text" | "embedding">): Float32Array | null {
  const v = fact.embedding ? Float32Array.from(fact.embedding) : hashEmbed(fact.text);
  let norm = 0;
  for (const x of v) norm += x * x;
  if (!(norm > 0)) return null;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i]! *= scale;
  return v;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

const later = (a: string, b: string) => (a > b ? a : b);
const earlier = (a: string, b: string) => (a < b ? a : b);

/**
 * Applies facts in the caller's transaction, exactly once per fact id: a fact already applied
 * answers its first acknowledgement; a new one merges into the nearest fact of its branch when
 * they are at least `mergeThreshold` alike (the master's or one earlier in this batch), or
 * becomes a new fact being. Writes the fact beings, their index rows, the `learned`
 * relationships, the `shares-knowledge` overlaps and the receipts, each in one statement.
 * NOTE: callers hold the ingest lock (see lockIngest), so merging never races another batch.
 */
export async function applyFacts(tx: SqlExecutor, facts: readonly PendingFact[], options: ApplyOptions): Promise<ApplyResult> {
  const outcomes = new Map<string, FactOutcome>();
  if (facts.length === 0) return { outcomes, written: { beings: 0, relationships: 0 } };

  // 1. Receipts: what was applied before answers as it did then.
  const ids = [...new Set(facts.map((f) => f.id))];
  const receipts = await tx.query<ReceiptRow>(
    "SELECT id::text AS id, fact::text AS fact, status, corroboration, reason FROM knowledge_receipts WHERE id = ANY($1::uuid[])",
    [ids],
  );
  for (const r of receipts) {
    if (r.status === "skipped") {
      // NOTE: a fact skipped from an event is applied when pushed again with knowledge.push (its source may exist now).
      if (options.unknownSource === "skip") outcomes.set(r.id, { skipped: r.reason ?? "skipped" });
      continue;
    }
    outcomes.set(r.id, { ack: { id: r.id, fact: r.fact!, status: r.status, corroboration: r.corroboration } });
  }
  const fresh: PendingFact[] = [];
  const seen = new Set<string>();
  for (const f of facts) {
    if (outcomes.has(f.id) || seen.has(f.id)) continue;
    seen.add(f.id);
    fresh.push(f);
  }
  if (fresh.length === 0) return { outcomes, written: { beings: 0, relationships: 0 } };

  // 2. Sources must be beings the master knows.
  const wanted = [...new Set(fresh.map((f) => f.source))];
  const known = new Set(
    (await tx.query<{ soul: string }>("SELECT soul::text AS soul FROM base_beings WHERE soul = ANY($1::uuid[])", [wanted])).map((r) => r.soul),
  );
  const skipped: { id: string; reason: string }[] = [];
  const vectors = new Map<string, Float32Array>();
  const applicable: PendingFact[] = [];
  for (const f of fresh) {
    const vector = unitVector(f);
    if (!vector) {
      throw new StoreError(
        "INVALID",
        `Fact ${f.id} has no direction to search by: ${f.embedding ? "its embedding is all zeros" : "its text has no letters or digits"}. Send a fact with words in it.`,
      );
    }
    if (!known.has(f.source)) {
      const reason = `source ${f.source} is no being at the master (it was never created there, or was deleted)`;
      if (options.unknownSource === "refuse") {
        throw new StoreError(
          "MISSING_ENDPOINT",
          `Fact ${f.id}: ${reason}. Create the being first (beings.create) or check the soul; nothing in this batch was stored.`,
        );
      }
      skipped.push({ id: f.id, reason });
      outcomes.set(f.id, { skipped: reason });
      continue;
    }
    vectors.set(f.id, vector);
    applicable.push(f);
  }

  // 3. The nearest fact the master holds for each (HNSW), then merging in batch order.
  const nearest = new Map<number, { soul: string; similarity: number }>();
  if (applicable.length > 0) {
    await tx.query("SELECT set_config('hnsw.ef_search', $1, true)", [String(ASK_EF_SEARCH)]);
    const probe = applicable.map((f, i) => ({ i, v: vectorLiteral(Array.from(vectors.get(f.id)!)), branch: f.branch }));
    for (const row of await tx.query<{ i: number; soul: string; similarity: number }>(NEAREST_SQL, [JSON.stringify(probe)])) {
      if (row.similarity >= options.mergeThreshold) nearest.set(row.i, { soul: row.soul, similarity: row.similarity });
    }
  }
  const nearSouls = [...new Set([...nearest.values()].map((n) => n.soul))];
  const targets = new Map<string, Target>();
  if (nearSouls.length > 0) {
    const rows = await tx.query<{
      soul: string;
      branch: string;
      sources: string[];
      corroboration: number;
      confidence: number;
      first: string;
      last: string;
      text: string;
    }>(
      `SELECT k.soul::text AS soul, k.branch, k.sources::text[] AS sources, k.corroboration, k.confidence::numeric::float8 AS confidence,
         to_char(k.first_learned AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS first,
         to_char(k.last_learned AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last,
         coalesce(b.attributes ->> 'text', '') AS text
       FROM knowledge_facts k JOIN base_beings b USING (soul) WHERE k.soul = ANY($1::uuid[]) FOR UPDATE OF k`,
      [nearSouls],
    );
    for (const r of rows) targets.set(r.soul, { ...r, isNew: false, vector: new Float32Array(0) });
  }

  const created: Target[] = [];
  const learned = new Map<string, Learned>();
  const pairs = new Map<string, { a: string; b: string; branch: string; n: number }>();
  const acks: FactAck[] = [];
  applicable.forEach((f, i) => {
    const vector = vectors.get(f.id)!;
    let target: Target | undefined;
    let best = nearest.get(i)?.similarity ?? -Infinity;
    const seenTarget = nearest.get(i) && targets.get(nearest.get(i)!.soul);
    if (seenTarget) target = seenTarget;
    for (const c of created) {
      if (c.branch !== f.branch) continue;
      const s = dot(c.vector, vector);
      if (s >= options.mergeThreshold && s > best) {
        best = s;
        target = c;
      }
    }
    let status: FactAck["status"] = "merged";
    if (!target) {
      status = "created";
      target = {
        soul: f.id,
        branch: f.branch,
        isNew: true,
        text: f.text,
        vector,
        sources: [],
        corroboration: 0,
        confidence: f.confidence,
        first: f.learned_at,
        last: f.learned_at,
      };
      created.push(target);
      targets.set(target.soul, target);
    }
    target.corroboration += 1;
    target.confidence = Math.max(target.confidence, f.confidence);
    target.first = earlier(target.first, f.learned_at);
    target.last = later(target.last, f.learned_at);
    if (!target.sources.includes(f.source)) {
      for (const other of target.sources) {
        const [a, b] = other < f.source ? [other, f.source] : [f.source, other];
        const key = `${a}|${b}|${target.branch}`;
        const pair = pairs.get(key) ?? { a, b, branch: target.branch, n: 0 };
        pair.n += 1;
        pairs.set(key, pair);
      }
      target.sources.push(f.source);
    }
    const key = `${f.source}|${target.soul}`;
    const edge = learned.get(key) ?? {
      source: f.source,
      fact: target.soul,
      branch: target.branch,
      times: 0,
      confidence: 0,
      first: f.learned_at,
      last: f.learned_at,
    };
    edge.times += 1;
    edge.confidence = Math.max(edge.confidence, f.confidence);
    edge.first = earlier(edge.first, f.learned_at);
    edge.last = later(edge.last, f.learned_at);
    learned.set(key, edge);
    const ack: FactAck = { id: f.id, fact: target.soul, status, corroboration: target.corroboration };
    acks.push(ack);
    outcomes.set(f.id, { ack });
  });

  // 4. Writes, one statement each.
  const hit = new Set(acks.map((a) => a.fact));
  const touched = [...targets.values()].filter((t) => hit.has(t.soul));
  const attributes = (t: Target) => ({
    text: t.text,
    confidence: t.confidence,
    corroboration: t.corroboration,
    sources: t.sources,
    first_learned: t.first,
    last_learned: t.last,
  });
  try {
    if (created.length > 0) {
      await tx.query(
        `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches, embedding)
         SELECT x.soul, ARRAY['${FACT_TAG}']::text[], x.energy, x.genesis, x.attributes, '{}', '{}', ARRAY[x.branch], x.v::vector
         FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, energy int, genesis jsonb, attributes jsonb, branch text, v text)`,
        [
          JSON.stringify(
            created.map((t) => ({
              soul: t.soul,
              energy: FACT_ENERGY_PER_CORROBORATION * t.corroboration,
              genesis: { name: factName(t.text), type: FACT_TAG, created_by: "master" },
              attributes: attributes(t),
              branch: t.branch,
              v: vectorLiteral(Array.from(t.vector)),
            })),
          ),
        ],
      );
    }
  } catch (error) {
    if (sqlState(error) === "23505") {
      throw new StoreError("CONFLICT", "A fact id in this batch is already the soul of another being: give each fact a new UUID (crypto.randomUUID()).");
    }
    throw error;
  }
  const merged = touched.filter((t) => !t.isNew);
  if (merged.length > 0) {
    await tx.query(
      `UPDATE base_beings b SET energy_level = x.energy, attributes = b.attributes || x.attributes, updated_at = clock_timestamp() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, energy int, attributes jsonb) WHERE b.soul = x.soul`,
      [JSON.stringify(merged.map((t) => ({ soul: t.soul, energy: FACT_ENERGY_PER_CORROBORATION * t.corroboration, attributes: attributes(t) })))],
    );
  }
  await tx.query(
    `INSERT INTO knowledge_facts (soul, branch, change_seq, sources, corroboration, confidence, first_learned, last_learned)
     SELECT x.soul, x.branch, nextval('knowledge_change_seq'), x.sources, x.corroboration, x.confidence, x.first, x.last
     FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, branch text, sources uuid[], corroboration int, confidence real, first timestamptz, last timestamptz)
     ON CONFLICT (soul) DO UPDATE SET change_seq = excluded.change_seq, sources = excluded.sources, corroboration = excluded.corroboration,
       confidence = excluded.confidence, first_learned = excluded.first_learned, last_learned = excluded.last_learned`,
    [
      JSON.stringify(
        touched.map((t) => ({
          soul: t.soul,
          branch: t.branch,
          sources: t.sources,
          corroboration: t.corroboration,
          confidence: t.confidence,
          first: t.first,
          last: t.last,
        })),
      ),
    ],
  );
  const edges = [...learned.values()];
  await upsertLearned(tx, edges);
  await upsertShares(tx, [...pairs.values()]);
  await tx.query(
    `INSERT INTO knowledge_receipts (id, fact, status, corroboration, reason)
     SELECT x.id, x.fact, x.status, x.corroboration, x.reason FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, fact uuid, status text, corroboration int, reason text)
     ON CONFLICT (id) DO UPDATE SET fact = excluded.fact, status = excluded.status, corroboration = excluded.corroboration, reason = excluded.reason,
       received_at = now() WHERE knowledge_receipts.status = 'skipped'`,
    [
      JSON.stringify([
        ...acks.map((a) => ({ ...a, reason: null })),
        ...skipped.map((s) => ({ id: s.id, fact: null, status: "skipped", corroboration: 0, reason: s.reason })),
      ]),
    ],
  );
  return { outcomes, written: { beings: touched.length, relationships: edges.length + pairs.size } };
}

function factName(text: string): string {
  const oneLine = text.replace(/\s+/gu, " ").trim();
  return oneLine.length > FACT_NAME_CHARS ? `${oneLine.slice(0, FACT_NAME_CHARS - 1)}…` : oneLine;
}

/** `learned` from source to fact: one relationship per pair, counting how often the source taught it. */
async function upsertLearned(tx: SqlExecutor, edges: readonly Learned[]): Promise<void> {
  if (edges.length === 0) return;
  await tx.query(
    `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
     SELECT x.id, ARRAY['${LEARNED_RELATIONSHIP}']::text[], x.times, x.source, x.fact,
       jsonb_build_object('type', '${LEARNED_RELATIONSHIP}', 'created_by', 'master'),
       jsonb_build_object('times', x.times, 'confidence', x.confidence, 'first_learned', x.first, 'last_learned', x.last), ARRAY[x.branch]
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, source uuid, fact uuid, branch text, times int, confidence float8, first text, last text)
     ON CONFLICT (id) DO UPDATE SET
       energy_level = coalesce(relationships.energy_level, 0) + excluded.energy_level,
       attributes = jsonb_build_object(
         'times', coalesce((relationships.attributes ->> 'times')::int, 0) + (excluded.attributes ->> 'times')::int,
         'confidence', greatest((relationships.attributes ->> 'confidence')::float8, (excluded.attributes ->> 'confidence')::float8),
         'first_learned', least(relationships.attributes ->> 'first_learned', excluded.attributes ->> 'first_learned'),
         'last_learned', greatest(relationships.attributes ->> 'last_learned', excluded.attributes ->> 'last_learned')),
       updated_at = clock_timestamp() AT TIME ZONE 'UTC'`,
    [JSON.stringify(edges.map((e) => ({ ...e, id: derivedUuid(LEARNED_RELATIONSHIP, e.source, e.fact) })))],
  );
}

/**
 * `shares-knowledge` between two beings that learned the same facts: one relationship per pair
 * and branch (from the smaller soul to the larger; read it both ways), its energy and
 * `shared_facts` the number of facts both taught. Grown by each new overlap, never recomputed.
 */
async function upsertShares(tx: SqlExecutor, pairs: readonly { a: string; b: string; branch: string; n: number }[]): Promise<void> {
  if (pairs.length === 0) return;
  await tx.query(
    `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
     SELECT x.id, ARRAY['${SHARES_KNOWLEDGE_RELATIONSHIP}']::text[], x.n, x.a, x.b,
       jsonb_build_object('type', '${SHARES_KNOWLEDGE_RELATIONSHIP}', 'created_by', 'master', 'symmetric', true),
       jsonb_build_object('shared_facts', x.n), ARRAY[x.branch]
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, a uuid, b uuid, branch text, n int)
     ON CONFLICT (id) DO UPDATE SET
       energy_level = coalesce(relationships.energy_level, 0) + excluded.energy_level,
       attributes = relationships.attributes || jsonb_build_object('shared_facts', coalesce((relationships.attributes ->> 'shared_facts')::int, 0) + excluded.energy_level),
       updated_at = clock_timestamp() AT TIME ZONE 'UTC'`,
    [JSON.stringify(pairs.map((p) => ({ ...p, id: derivedUuid(SHARES_KNOWLEDGE_RELATIONSHIP, p.a, p.b, p.branch) })))],
  );
}

/** Any number will do, as long as no other lock of ours takes it (migrate.ts holds 7_351_001). */
const INGEST_LOCK_KEY = 7_351_005;

/**
 * Serialises ingest (events.push, knowledge.push) until the transaction ends.
 * NOTE: so that sequence numbers commit in order (a reader following `seq` or `change_seq` never
 * skips one that commits late) and two batches never both create the same new fact. PGlite is one
 * connection already; on PostgreSQL one batch is a few milliseconds, so batches queue, not stall.
 */
export async function lockIngest(tx: SqlExecutor): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [INGEST_LOCK_KEY]);
}

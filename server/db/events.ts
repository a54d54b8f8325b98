import "../serverOnly";
import { MAX_EVENTS_PUSH_BYTES } from "../../lib/knowledge/constants";
import { LEARNED_EVENT_TYPE, learnedFactDataSchema, type EventAck, type EventsPush, type EventsPushOutput } from "../../lib/knowledge/contract";
import { applyFacts, lockIngest, type PendingFact } from "./applyFacts";
import type { SqlDriver } from "./driver";
import { StoreError } from "./errors";
import type { Maintenance } from "./maintenance";

/** An event as `events.push` parsed it: a valid envelope (lib/events). */
export type IngestEvent = EventsPush["events"][number];

/** The master's append-only event log (`events`). */
export interface EventsRepo {
  /**
   * Appends a batch in one transaction, exactly once per event id: an id already logged answers
   * its first sequence number and changes nothing. `knowledge.learned` events are applied as facts
   * in the same transaction (see KnowledgeRepo.push); one whose source is no being here is logged
   * and its fact skipped, with the reason in the ack.
   */
  push(events: readonly IngestEvent[]): Promise<EventsPushOutput>;
}

export interface EventsOptions {
  readonly mergeThreshold: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// NOTE: the envelope goes in once as JSON and the indexed columns are read out of it in SQL,
// which is cheaper than sending each column beside it; WITH ORDINALITY keeps the batch's order in seq.
// Events logged before are left out first, so a replay does not use up sequence numbers (the log has
// no gaps but for a rolled-back batch); ON CONFLICT stays for a batch that races its own retry.
const INSERT_SQL = `
  INSERT INTO events (id, type, source, subject, room, branch, time, traceid, envelope)
  SELECT (e ->> 'id')::uuid, e ->> 'type', e ->> 'source', e ->> 'subject',
    CASE WHEN e ->> 'source' LIKE 'room:%' THEN e ->> 'source'
         WHEN jsonb_typeof(e -> 'data' -> 'to') = 'string' AND e -> 'data' ->> 'to' LIKE 'room:%' THEN e -> 'data' ->> 'to' END,
    e ->> 'branch', (e ->> 'time')::timestamptz, e ->> 'traceid', e
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)
  WHERE NOT EXISTS (SELECT 1 FROM events x WHERE x.id = (e ->> 'id')::uuid)
  ORDER BY n
  ON CONFLICT (id) DO NOTHING
  RETURNING id::text AS id, seq::float8 AS seq`;

/** The fact a `knowledge.learned` event carries, or why it cannot carry one. Throws for data that is not a fact. */
export function learnedFact(event: IngestEvent): PendingFact | { skipped: string } {
  const parsed = learnedFactDataSchema.safeParse(event.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `data.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new StoreError(
      "INVALID",
      `Event ${event.id} is a ${LEARNED_EVENT_TYPE} event whose data is not a fact (${issues}); nothing in this batch was stored.`,
    );
  }
  if (!UUID.test(event.source)) return { skipped: `source ${event.source} is not a being's soul, and only beings learn facts` };
  const data = parsed.data;
  return {
    id: event.id,
    text: data.text,
    embedding: data.embedding,
    source: event.source,
    branch: data.branch ?? event.branch,
    confidence: data.confidence,
    learned_at: new Date(event.time).toISOString(),
  };
}

export function createEventsRepo(driver: SqlDriver, maintenance: Maintenance, options: EventsOptions): EventsRepo {
  return {
    async push(events) {
      const unique = new Map<string, IngestEvent>();
      for (const e of events) if (!unique.has(e.id)) unique.set(e.id, e);
      const batch = [...unique.values()];
      const json = JSON.stringify(batch);
      if (Buffer.byteLength(json) > MAX_EVENTS_PUSH_BYTES) {
        throw new StoreError(
          "INVALID",
          `This batch of events is ${(Buffer.byteLength(json) / 1024 / 1024).toFixed(1)} MB, more than ${MAX_EVENTS_PUSH_BYTES / 1024 / 1024} MB: send it in smaller batches.`,
        );
      }
      const facts: PendingFact[] = [];
      const notFacts = new Map<string, string>();
      for (const e of batch) {
        if (e.type !== LEARNED_EVENT_TYPE) continue;
        const fact = learnedFact(e);
        if ("skipped" in fact) notFacts.set(e.id, fact.skipped);
        else facts.push(fact);
      }

      const { seqs, outcomes, inserted, written } = await driver.transaction(async (tx) => {
        await lockIngest(tx);
        const rows = await tx.query<{ id: string; seq: number }>(INSERT_SQL, [json]);
        const seqs = new Map(rows.map((r) => [r.id, r.seq]));
        const replayed = batch.filter((e) => !seqs.has(e.id)).map((e) => e.id);
        if (replayed.length > 0) {
          for (const r of await tx.query<{ id: string; seq: number }>("SELECT id::text AS id, seq::float8 AS seq FROM events WHERE id = ANY($1::uuid[])", [
            replayed,
          ])) {
            seqs.set(r.id, r.seq);
          }
        }
        const applied = await applyFacts(tx, facts, { mergeThreshold: options.mergeThreshold, unknownSource: "skip" });
        return { seqs, outcomes: applied.outcomes, inserted: rows.length, written: applied.written };
      });
      maintenance.noteWrites("events", inserted);
      maintenance.noteWrites("base_beings", written.beings);
      maintenance.noteWrites("relationships", written.relationships);

      const acks = events.map((e): EventAck => {
        const seq = seqs.get(e.id)!;
        const outcome = outcomes.get(e.id);
        if (outcome && "ack" in outcome) return { id: e.id, seq, fact: outcome.ack };
        const skipped = outcome?.skipped ?? notFacts.get(e.id);
        return skipped === undefined ? { id: e.id, seq } : { id: e.id, seq, fact_skipped: skipped };
      });
      return { acks };
    },
  };
}

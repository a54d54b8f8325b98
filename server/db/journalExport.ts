import "../serverOnly";
import { createHash } from "node:crypto";

import { EVENT_ENVELOPE_VERSION, type EventEnvelope } from "../../lib/events/eventEnvelope";
import { newEventId, newSpanId, newTraceId, type RandomBytes } from "../../lib/events/ids";
import { parseTraceparent } from "../../lib/events/traceparent";
import { MAIN_BRANCH } from "../../lib/constants";
import { JOURNAL_EVENT_TYPE, journalEventDataSchema, type JournalEventData } from "../../lib/timeline/journalEvents";
import type { TimelineFilter } from "../../lib/timeline/contract";
import type { SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import { Where } from "./sql";

/**
 * The master's journals (being_journal, relationship_journal) in and out of an export (issue 9): one
 * master.journal event per entry, oldest first by the shared journal sequence.
 */

const ISO_TZ = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

interface Row {
  journal: "being" | "relationship";
  seq: number;
  key: string;
  op: "I" | "U" | "D";
  layer: "base" | "version" | null;
  branches: string[] | null;
  old_branches: string[] | null;
  source_soul: string | null;
  target_soul: string | null;
  old_source_soul: string | null;
  old_target_soul: string | null;
  tx: number;
  at: string;
  trace: string | null;
  change: Record<string, unknown> | null;
  origin: string | null;
}

/** Bytes drawn from SHA-256 of `text`: an entry exported twice gets the same event, trace and span ids. */
function hashBytes(text: string): RandomBytes {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; counter++) {
      const block = createHash("sha256").update(`${counter}|${text}`).digest();
      const take = Math.min(block.length, length - filled);
      out.set(block.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };
}

function toEvent(r: Row): EventEnvelope {
  // NOTE: trace and span ids follow from the event id, which an import keeps: a re-export from another master is the same span.
  const id = r.origin ?? newEventId(new Date(r.at), hashBytes(`${r.journal}|${r.seq}|${r.at}|${r.key}`));
  const bytes = hashBytes(id);
  const parent = parseTraceparent(r.trace);
  const common = { op: r.op, seq: r.seq, tx: r.tx, trace: r.trace, change: r.change } as const;
  const data =
    r.journal === "being"
      ? { journal: "being", layer: r.layer ?? "base", soul: r.key, branches: r.branches ?? [], old_branches: r.old_branches, ...common }
      : {
          journal: "relationship",
          id: r.key,
          source_soul: r.source_soul!,
          target_soul: r.target_soul!,
          old_source_soul: r.old_source_soul,
          old_target_soul: r.old_target_soul,
          ...common,
        };
  const tags = r.journal === "being" ? r.branches : (r.change?.["branches"] as string[] | undefined);
  return {
    id: id as EventEnvelope["id"],
    specversion: "1.0",
    envelopeversion: EVENT_ENVELOPE_VERSION,
    type: JOURNAL_EVENT_TYPE,
    source: "master",
    subject: r.key,
    time: r.at,
    branch: Array.isArray(tags) && typeof tags[0] === "string" ? tags[0] : MAIN_BRANCH,
    traceid: parent?.traceid ?? newTraceId(bytes),
    spanid: newSpanId(bytes),
    ...(parent ? { parentspanid: parent.spanid } : {}),
    data: data as unknown as EventEnvelope["data"],
  } as EventEnvelope;
}

/** A page of journal entries after `after` (a journal seq), oldest first, as master.journal events. */
export async function exportJournal(
  q: SqlExecutor,
  filter: TimelineFilter,
  after: number,
  limit: number,
): Promise<{ events: EventEnvelope[]; next_after: number | null }> {
  if (filter.room || filter.branch || (filter.type && filter.type !== JOURNAL_EVENT_TYPE && filter.type !== "master.*")) {
    throw new StoreError("INVALID", "The journal is filtered by being, trace and time only: leave out room, branch and type when exporting it.");
  }
  const beings = new Where();
  const relationships = new Where();
  const params: unknown[] = [after];
  const p = (value: unknown) => `$${params.push(value)}`;
  for (const w of [beings, relationships]) w.add(() => "seq > $1");
  if (filter.being) {
    const soul = p(filter.being);
    beings.add(() => `soul = ${soul}`);
    relationships.add(() => `${soul}::uuid IN (source_soul, target_soul, old_source_soul, old_target_soul)`);
  }
  if (filter.trace) {
    const trace = p(`00-${filter.trace}-%`);
    for (const w of [beings, relationships]) w.add(() => `trace LIKE ${trace}`);
  }
  if (filter.from) {
    const from = p(filter.from);
    for (const w of [beings, relationships]) w.add(() => `at >= ${from}::timestamptz`);
  }
  if (filter.to) {
    const to = p(filter.to);
    for (const w of [beings, relationships]) w.add(() => `at < ${to}::timestamptz`);
  }
  const at = `to_char(at AT TIME ZONE 'UTC', ${ISO_TZ}) AS at`;
  const rows = await q.query<Row>(
    `(SELECT 'being' AS journal, seq::float8 AS seq, soul::text AS key, op, layer, branches, old_branches, NULL::text AS source_soul, NULL::text AS target_soul,
        NULL::text AS old_source_soul, NULL::text AS old_target_soul, tx::float8 AS tx, ${at}, trace, change, origin::text AS origin
      FROM being_journal ${beings.sql} ORDER BY seq LIMIT ${limit + 1})
     UNION ALL
     (SELECT 'relationship', seq::float8, id::text, op, NULL, NULL, NULL, source_soul::text, target_soul::text, old_source_soul::text, old_target_soul::text,
        tx::float8, ${at}, trace, change, origin::text
      FROM relationship_journal ${relationships.sql} ORDER BY seq LIMIT ${limit + 1})
     ORDER BY seq LIMIT ${limit + 1}`,
    params,
  );
  const page = rows.slice(0, limit);
  return { events: page.map(toEvent), next_after: rows.length > limit ? page.at(-1)!.seq : null };
}

/**
 * Appends exported journal entries to this master's journals in their exported order (new seqs, same times,
 * traces and changes). Entries already imported (same event id) are skipped. Returns how many were new.
 */
export async function importJournal(
  q: SqlExecutor,
  events: readonly EventEnvelope[],
): Promise<{ imported: number; problems: { index: number; message: string }[] }> {
  const entries: { id: string; time: string; data: JournalEventData }[] = [];
  const problems: { index: number; message: string }[] = [];
  events.forEach((e, index) => {
    const parsed = journalEventDataSchema.safeParse(e.data);
    if (parsed.success) entries.push({ id: e.id, time: e.time, data: parsed.data });
    else problems.push({ index, message: parsed.error.issues.map((i) => `data.${i.path.join(".")}: ${i.message}`).join("; ") });
  });
  if (problems.length > 0) return { imported: 0, problems };
  entries.sort((a, b) => a.data.seq - b.data.seq);
  let imported = 0;
  // NOTE: consecutive entries of one journal go in one statement, in order, so the new seqs keep the exported order.
  // The transaction numbers are negated: this master's own are positive, so imported ones never join a local transaction.
  for (let i = 0; i < entries.length;) {
    let end = i + 1;
    while (end < entries.length && entries[end]!.data.journal === entries[i]!.data.journal) end++;
    const run = entries.slice(i, end).map((e, ord) => ({ origin: e.id, at: e.time, ...e.data, tx: -e.data.tx, ord }));
    const written =
      entries[i]!.data.journal === "being"
        ? await q.query(
            `INSERT INTO being_journal (soul, op, layer, branches, old_branches, tx, at, trace, change, origin)
             SELECT soul, op, layer, branches, old_branches, tx, at, trace, change, origin
             FROM jsonb_to_recordset($1::jsonb) AS x(soul uuid, op char(1), layer text, branches text[], old_branches text[], tx bigint,
               at timestamptz, trace text, change jsonb, origin uuid, ord int)
             ORDER BY ord
             ON CONFLICT (origin) WHERE origin IS NOT NULL DO NOTHING RETURNING 1`,
            [JSON.stringify(run)],
          )
        : await q.query(
            `INSERT INTO relationship_journal (id, op, source_soul, target_soul, old_source_soul, old_target_soul, tx, at, trace, change, origin)
             SELECT id, op, source_soul, target_soul, old_source_soul, old_target_soul, tx, at, trace, change, origin
             FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, op char(1), source_soul uuid, target_soul uuid, old_source_soul uuid,
               old_target_soul uuid, tx bigint, at timestamptz, trace text, change jsonb, origin uuid, ord int)
             ORDER BY ord
             ON CONFLICT (origin) WHERE origin IS NOT NULL DO NOTHING RETURNING 1`,
            [JSON.stringify(run)],
          );
    imported += written.length;
    i = end;
  }
  return { imported, problems: [] };
}

import "../serverOnly";
import { parseCloudEventsNdjson, toCloudEventsNdjson } from "../../lib/events/cloudEvents";
import type { EventEnvelope } from "../../lib/events/eventEnvelope";
import { MAX_EVENTS_PER_PUSH } from "../../lib/knowledge/contract";
import { MAX_TRACE_EVENTS, TAIL_POLL_MS } from "../../lib/timeline/constants";
import type { ExportFormat, TimelineFilter } from "../../lib/timeline/contract";
import { toOtlpTraces, type OtlpTraces } from "../../lib/timeline/otlp";
import type { SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import type { EventsRepo } from "./events";
import { exportJournal, importJournal } from "./journalExport";
import { Where } from "./sql";
import { JOURNAL_EVENT_TYPE } from "../../lib/timeline/journalEvents";

/** One event of the master's log with its place in the global order. */
export interface TimelineEvent {
  readonly seq: number;
  readonly event: EventEnvelope;
}

export interface TimelinePage {
  readonly items: TimelineEvent[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly next_before: number | null;
}

export interface TimelineExportPage {
  readonly format: ExportFormat;
  /** NDJSON text (cloudevents) or an OTLP/JSON traces document (otlp). */
  readonly body: string | OtlpTraces;
  readonly count: number;
  /** Pass as `after` for the next page; null when the log is exhausted. */
  readonly next_after: number | null;
}

export interface TimelineImportResult {
  /** Events and journal entries this master did not hold yet. */
  readonly imported: number;
  /** Of those, entries of the master's journal of beings and relationships (master.journal). */
  readonly journal_entries: number;
  /** Events this master held already (same id): left as they were. */
  readonly already_logged: number;
  readonly problems: { line: number; message: string }[];
}

/** The master's timeline: the event log read by being, room, branch, type, trace and time (issue 9). */
export interface TimelineRepo {
  /** Newest first, `before` a seq (exclusive). */
  query(filter: TimelineFilter, page: { before?: number | undefined; limit: number }): Promise<TimelinePage>;
  /** Oldest first after `after`; waits up to `waitMs` for the first event to arrive (a long poll). */
  tail(filter: TimelineFilter, page: { after: number; limit: number; waitMs: number; signal?: AbortSignal | undefined }): Promise<TimelineEvent[]>;
  /** Every event of one trace, in log order (at most MAX_TRACE_EVENTS). */
  trace(traceid: string): Promise<TimelineEvent[]>;
  /** The highest seq in the log (0 when empty): where a live tail starts. */
  head(): Promise<number>;
  /** A page of the log, or with `journal` of the master's journal of beings and relationships (`after` is then a journal seq). */
  export(filter: TimelineFilter, page: { format: ExportFormat; after: number; limit: number; journal?: boolean }): Promise<TimelineExportPage>;
  /**
   * Appends an exported log (CloudEvents NDJSON) in its order; events already here are skipped. Nothing is stored when a line is bad.
   * master.journal events go back into the journals, so time travel works on the imported beings.
   */
  import(ndjson: string): Promise<TimelineImportResult>;
}

/** Every filter but `being`, which page() turns into two index walks. */
function filterWhere(filter: TimelineFilter): Where {
  const where = new Where();
  if (filter.room) where.add((p) => `room = ${p(`room:${filter.room}`)}`);
  if (filter.branch) where.add((p) => `branch = ${p(filter.branch)}`);
  if (filter.type?.endsWith(".*")) where.add((p) => `type LIKE ${p(`${filter.type!.slice(0, -2).replace(/_/g, "\\_")}.%`)}`);
  else if (filter.type) where.add((p) => `type = ${p(filter.type)}`);
  if (filter.trace) where.add((p) => `traceid = ${p(filter.trace)}`);
  if (filter.from) where.add((p) => `time >= ${p(filter.from)}::timestamptz`);
  if (filter.to) where.add((p) => `time < ${p(filter.to)}::timestamptz`);
  return where;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind either way. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export function createTimelineRepo(q: SqlExecutor, events: EventsRepo): TimelineRepo {
  const page = async (filter: TimelineFilter, order: "asc" | "desc", bound: number | undefined, limit: number) => {
    const where = filterWhere(filter);
    if (bound !== undefined) where.add((p) => `seq ${order === "desc" ? "<" : ">"} ${p(bound)}`);
    const dir = order.toUpperCase();
    if (!filter.being) {
      return q.query<TimelineEvent>(
        `SELECT seq::float8 AS seq, envelope AS event FROM events ${where.sql} ORDER BY events.seq ${dir} LIMIT ${limit}`,
        where.params,
      );
    }
    // NOTE: a being's events are the ones it sent and the ones about it (the master's restore of it, for one). One OR
    // would make PostgreSQL collect and sort all of them; two ordered walks of (source, seq) and (subject, seq), each
    // stopping at `limit`, merged, read only what the page needs.
    const soul = `$${where.params.push(filter.being)}`;
    const rest = where.sql ? `${where.sql} AND` : "WHERE";
    return q.query<TimelineEvent>(
      `SELECT seq::float8 AS seq, event FROM (
         (SELECT seq, envelope AS event FROM events ${rest} source = ${soul} ORDER BY seq ${dir} LIMIT ${limit})
         UNION ALL
         (SELECT seq, envelope AS event FROM events ${rest} subject = ${soul} AND source <> ${soul} ORDER BY seq ${dir} LIMIT ${limit})
       ) x ORDER BY x.seq ${dir} LIMIT ${limit}`,
      where.params,
    );
  };
  return {
    async query(filter, { before, limit }) {
      const rows = await page(filter, "desc", before, limit + 1);
      const items = rows.slice(0, limit);
      return { items, next_before: rows.length > limit ? items.at(-1)!.seq : null };
    },

    async tail(filter, { after, limit, waitMs, signal }) {
      const until = Date.now() + waitMs;
      for (;;) {
        const rows = await page(filter, "asc", after, limit);
        if (rows.length > 0 || Date.now() >= until || signal?.aborted) return rows;
        await sleep(Math.min(TAIL_POLL_MS, until - Date.now()), signal);
      }
    },

    trace: (traceid) =>
      q.query<TimelineEvent>(`SELECT seq::float8 AS seq, envelope AS event FROM events WHERE traceid = $1 ORDER BY events.seq LIMIT ${MAX_TRACE_EVENTS}`, [
        traceid,
      ]),

    async head() {
      const [row] = await q.query<{ seq: number | null }>("SELECT max(seq)::float8 AS seq FROM events");
      return row?.seq ?? 0;
    },

    async export(filter, { format, after, limit, journal }) {
      if (journal) {
        const { events: list, next_after } = await exportJournal(q, filter, after, limit);
        return { format, body: format === "otlp" ? toOtlpTraces(list) : toCloudEventsNdjson(list), count: list.length, next_after };
      }
      const rows = await page(filter, "asc", after, limit + 1);
      const items = rows.slice(0, limit);
      const list = items.map((r) => r.event);
      return {
        format,
        body: format === "otlp" ? toOtlpTraces(list) : toCloudEventsNdjson(list),
        count: items.length,
        next_after: rows.length > limit ? items.at(-1)!.seq : null,
      };
    },

    async import(ndjson) {
      const { events: parsed, problems } = parseCloudEventsNdjson(ndjson);
      if (problems.length > 0) return { imported: 0, journal_entries: 0, already_logged: 0, problems: problems.slice(0, 20) };
      if (parsed.length === 0) throw new StoreError("INVALID", "The file holds no events: export one with timeline.export (format cloudevents).");
      const logged = parsed.filter((e) => e.type !== JOURNAL_EVENT_TYPE);
      const journal = parsed.filter((e) => e.type === JOURNAL_EVENT_TYPE);
      const [before] = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE id = ANY($1::uuid[])", [logged.map((e) => e.id)]);
      const { imported: entries, problems: bad } = await importJournal(q, journal);
      if (bad.length > 0) {
        const line = (index: number) => parsed.indexOf(journal[index]!) + 1;
        return { imported: 0, journal_entries: 0, already_logged: 0, problems: bad.slice(0, 20).map((p) => ({ line: line(p.index), message: p.message })) };
      }
      // NOTE: batches go in one after another, so the imported events keep the exported order in this log's seq.
      for (let i = 0; i < logged.length; i += MAX_EVENTS_PER_PUSH) await events.push(logged.slice(i, i + MAX_EVENTS_PER_PUSH));
      const already = (before?.n ?? 0) + journal.length - entries;
      return { imported: parsed.length - already, journal_entries: entries, already_logged: already, problems: [] };
    },
  };
}

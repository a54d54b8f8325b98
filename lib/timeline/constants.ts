/** Tuning numbers of the flight recorder (issue 9). Each has its reason. */

/** A snapshot every this many journal entries of one being or room: a replay then applies at most this many small diffs (well under a millisecond each). */
export const SNAPSHOT_EVERY = 256;
/** Only entries older than this are snapshotted: a transaction still open may yet commit an entry with a lower sequence number. */
export const CHECKPOINT_SETTLE_MS = 60_000;
/** The janitor wakes this often to snapshot busy beings and rooms: often enough that no replay walks far. */
export const JANITOR_INTERVAL_MS = 60_000;
/** Retention of one room runs at most this often: archiving is a bulk job and days-old data is not in a hurry. */
export const RETENTION_EVERY_MS = 60 * 60_000;
/** A timeline page; more rows than this is more than the UI can show at once. */
export const MAX_TIMELINE_PAGE = 500;
export const DEFAULT_TIMELINE_PAGE = 100;
/** A live tail waits at most this long for news before answering empty (under common proxy timeouts of 30 s). */
export const MAX_TAIL_WAIT_MS = 25_000;
/** How often a waiting tail looks for news: one indexed range probe per tick. */
export const TAIL_POLL_MS = 400;
/** One trace is one unit of work; more events than this is a runaway loop, and the waterfall shows the first ones. */
export const MAX_TRACE_EVENTS = 2_000;
/** An export page: large enough to move a log quickly, small enough for one tRPC answer (~1–5 MB). */
export const MAX_EXPORT_PAGE = 2_000;
/** An import request; a bigger log goes in several requests, in order. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
/** How many versions of one being or room a history page lists for the scrubber. */
export const MAX_HISTORY_PAGE = 1_000;
/** Retention keeps at least a day hot and at most ten years. */
export const MIN_HOT_DAYS = 1;
export const MAX_HOT_DAYS = 3_650;

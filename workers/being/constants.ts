/** Tuning of the being runtime (worker side and the host that watches it), each with its reason. */

/** The OPFS folder of every being's micro-world: one SQLite file per soul, easy to find and to delete. */
export const MICRO_WORLD_DIR = "/luxos/beings";
/** A read-only query answers at most this many rows: the page renders them, and a worker must not ship megabytes per keystroke. */
export const QUERY_ROW_CAP = 500;
/** How often the worker pushes its status to the page: four times a second feels live and costs little. */
export const STATUS_PUSH_MS = 250;
/** How often the host asks each worker for a heartbeat. */
export const HEARTBEAT_MS = 1_000;
/** A worker silent this long is hung or gone: a busy loop, a crash, or a terminate. Long enough for a slow 2-core machine. */
export const HUNG_AFTER_MS = 5_000;
/** The mind is saved to the micro-world this often, so a reload loses at most this much of its state. */
export const SNAPSHOT_MS = 5_000;
/** The master record is updated at most this often per being: the master serves many beings. */
export const RECORD_UPDATE_MS = 5_000;
/** A being perceives its own world this often, so the situation layer has something to assess. */
export const PERCEIVE_MS = 3_000;
/** Default Tiki for a new being: an idle being spends ~34 Tiki a second, so this lasts about 50 minutes. */
export const DEFAULT_BUDGET = 100_000;
/** Buckets of the activity sparkline (one per second). */
export const ACTIVITY_SECONDS = 30;
/** Recent events the page can ask for at once. */
export const MAX_RECENT_EVENTS = 200;
/** Rows Lux `LOAD rows from` reads at most: a program's working set, not a table dump. */
export const LUX_ROWS_CAP = 10_000;
/** Confidence of a fact a Lux program REPORTs without saying (`{text, confidence}` records say). */
export const LUX_REPORT_CONFIDENCE = 0.8;
/** Lux trace events written to the outbox in one transaction: one commit per step would be slow on OPFS. */
export const LUX_EVENT_BATCH = 200;
/** Labelled examples CLASSIFY reads from the micro-world or the master. */
export const LUX_EXAMPLES_CAP = 2_000;
/** Memories RECALL searches, newest first. */
export const LUX_RECALL_SEARCHED = 5_000;

/** Events per `events.push` from a being: about 200 KB, one master transaction answered well inside SYNC_REQUEST_TIMEOUT_MS on a slow machine. */
export const SYNC_BATCH_EVENTS = 200;
/** Bytes of envelopes per push: far below the master's 16 MB body limit, whatever the events carry. */
export const SYNC_BATCH_BYTES = 2 * 1024 * 1024;
/** A push not answered this long is abandoned and sent again (the master dedupes by event id, so that is safe). */
export const SYNC_REQUEST_TIMEOUT_MS = 20_000;
/** With nothing to send, the outbox is looked at again this often: decisions reach the master within a few seconds. */
export const SYNC_IDLE_MS = 2_000;
/** After something is appended, the loop waits this long so a burst of writes leaves in one batch. */
export const SYNC_NUDGE_MS = 150;
/** The first retry after a failure waits about this long; each further failure doubles it. */
export const SYNC_BACKOFF_BASE_MS = 500;
/** Retries never wait longer than this: a restarted master is found within 15 s, and 1,000 waiting beings cost it ~70 requests/s. */
export const SYNC_BACKOFF_CAP_MS = 15_000;
/** Offline, the loop asks navigator.onLine this often as well as waiting for `online` (which a worker may miss). */
export const SYNC_OFFLINE_POLL_MS = 2_000;
/** With an empty outbox, a being asks the master what others taught this often: fresh enough, and cheap for the master. */
export const SYNC_PULL_MS = 15_000;
/** Facts written per commit while being taught: a few hundred ms at most on OPFS, so heartbeats keep coming. */
export const TEACH_CHUNK = 50;
/** Facts taught in one call: one transaction, embedded in the worker; more would stall the being for seconds. */
export const TEACH_MAX_FACTS = 5_000;
/** A Lux `RUN python` snippet is a step of a program, not a job: past this it is interrupted (and killed if it ignores that). */
export const LUX_PYTHON_TIME_LIMIT_MS = 5_000;
/** Ended goals a being keeps for `goal(id)`: a room task outlives a reload by minutes, not by hundreds of goals. */
export const GOALS_ENDED_KEPT = 100;
/** A being worker that has not loaded sqlite-wasm by then is given up (the page says so): a cached load takes well under a second, a cold one on a slow 2-core machine a few. */
export const WORKER_BOOT_TIMEOUT_MS = 30_000;
/** A being's mind spend is summed per this window into one ledger entry: a 20 Hz mind would otherwise send a row per tick. */
export const SPEND_WINDOW_MS = 60_000;
/** Spend entries per `tiki.report`: the master's limit (lib/tikiLedger.ts). */
export const SPEND_BATCH = 500;
/** Recorded changes kept per table of the micro-world's journal: a rebuild replays at most this many (about 10 ms each 1,000), and a busy being's log stays a few MB. */
export const JOURNAL_MAX_ENTRIES_PER_TABLE = 20_000;
/** Recorded changes older than this are pruned (the table's floor moves up): a month of looking back, not a being's whole life. */
export const JOURNAL_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** The journal is pruned every this many commits (and when the micro-world opens): often enough to stay near its bound, rarely enough to cost nothing. */
export const JOURNAL_PRUNE_EVERY = 500;
/** Rows of one table a moment of the micro-world answers (then, and each of added / removed / changed): a page to read, not a dump. */
export const MOMENT_ROWS_CAP = 200;
/** Moments of the micro-world's history the scrubber gets at once (newest first). */
export const MOMENTS_CAP = 2_000;

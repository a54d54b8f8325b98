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

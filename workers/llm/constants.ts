/** Tuning of the tab's LLM worker. Each number has its reason. */

/** A page that queues more than this is looping; refusing early beats a queue that never drains. */
export const MAX_QUEUED_REQUESTS = 64;
/** Checking that the server has a model's files must not hold up `available()` when the server is slow. */
export const DETECT_FETCH_TIMEOUT_MS = 5_000;
/** How often (at most) loading progress is sent to the page: a progress bar needs no more than ~10 frames a second. */
export const PROGRESS_INTERVAL_MS = 100;

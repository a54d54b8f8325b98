/** Tuning numbers of the master's side of Lux, each with its reason. */

/** Bytes LOAD url reads before it gives up: a page or a JSON feed, not a download. */
export const FETCH_MAX_BYTES = 2 * 1024 * 1024;
/** The whole fetch, redirects included: a being's step waits this long at most. */
export const FETCH_TIMEOUT_MS = 10_000;
/** Redirects followed (each re-checked): enough for http→https→canonical, not a loop. */
export const FETCH_MAX_REDIRECTS = 5;

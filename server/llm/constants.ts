import "../serverOnly";

/** Tuning of the server's reasoning side. Each number has its reason. */

/** A chat completion's JSON is a few KB; anything this large is not one, and must not fill the server's memory. */
export const MAX_LLM_RESPONSE_BYTES = 4 * 1024 * 1024;
/** A status probe must answer while the page waits; a healthy endpoint lists its models in milliseconds. */
export const PROBE_TIMEOUT_MS = 3_000;
/** How much of an endpoint's error message is quoted back: enough to read, not a whole HTML page. */
export const MAX_UPSTREAM_MESSAGE_CHARS = 300;
/** Model folders are shallow (files, sometimes one level of subfolders); deeper walks are cut off. */
export const MAX_MODEL_DEPTH = 4;
/** Files counted per model folder before the listing stops counting: a stray dataset must not stall it. */
export const MAX_MODEL_FILES = 10_000;

/** Tuning numbers of the Lux interpreter, each with its reason. */

/** Tiki a run may spend when the caller names no budget: a few hundred master calls. */
export const DEFAULT_BUDGET = 10_000;
/** Steps a run may take whatever its budget, so no program (or fuzz input) runs forever. */
export const MAX_STEPS = 100_000;
/** Neighbours that vote in CLASSIFY: small sets of examples stay meaningful, one odd example cannot decide. */
export const KNN_K = 3;
/** CALL waits this long for another being when the program names no TIMEOUT. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** Characters of a step's output kept in the trace and its event. */
export const SUMMARY_CHARS = 120;
/** Memories RECALL returns, best first. */
export const RECALL_LIMIT = 5;
/** Answers ASK master returns, best first. */
export const ASK_LIMIT = 5;

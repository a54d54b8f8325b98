/** Tuning numbers of the Python sandbox. Each has its reason. */

/** A call's default time limit: long enough for real work, short enough that a runaway loop barely shows. */
export const DEFAULT_TIME_LIMIT_MS = 1_000;
/** The longest time limit a call may ask for: a being that needs more should split its work. */
export const MAX_TIME_LIMIT_MS = 30_000;
/** After the interrupt, how long Python gets to unwind before its worker is terminated. */
export const KILL_GRACE_MS = 500;
/** The sandbox's WebAssembly memory may not grow past this: a runaway allocation gets MemoryError, not the tab's memory. */
export const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;
/** How deep `execution` calls may nest (seed 001's recursive calls, bounded). */
export const MAX_CALL_DEPTH = 16;
/** How many `execution` and `summon` requests one run may make in all: bounds fan-out the depth limit does not. */
export const MAX_REQUESTS_PER_RUN = 256;
/** Captured stdout and stderr are cut past this many characters each. */
export const MAX_OUTPUT_CHARS = 64 * 1024;
/** Largest answer the owner can hand to a blocked `execution`/`summon` (the shared buffer's size). */
export const BRIDGE_BYTES = 1024 * 1024;
/** How long a blocked `execution` waits between checks of the interrupt flag. */
export const BRIDGE_POLL_MS = 25;
/** How long a sandbox may take to load Pyodide before it counts as failed. */
export const LOAD_TIMEOUT_MS = 60_000;
/** The Pyodide this build serves at /pyodide/v<version>/ (package.json pins it; a test checks they agree). */
export const PYODIDE_VERSION = "314.0.7";

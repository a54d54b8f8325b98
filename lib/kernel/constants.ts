/** Tuning numbers of the kernel (seed 001: an I/O queue and a CPU queue per tab). Each has its reason. */

/**
 * Sandbox workers in the CPU queue's pool, so at most this many Python runs at once: each holds a Pyodide
 * (~40 MB resident, up to its 512 MB cap) and a core; two keep one being's long run from stalling the others
 * without crowding a laptop's cores next to the beings' own workers.
 */
export const CPU_POOL_SIZE = 2;
/** Python runs waiting for a sandbox, in all: past it a run is refused at once rather than waiting minutes. */
export const CPU_QUEUE_CAPACITY = 64;
/** Python runs one being may have waiting: a being looping over RUN cannot fill the queue for the others. */
export const CPU_QUEUE_PER_OWNER = 16;
/** Master calls and being-to-being CALLs in flight at once: a browser opens about 6 connections per origin, beings share them. */
export const IO_CONCURRENCY = 6;
/** I/O requests waiting, in all. */
export const IO_QUEUE_CAPACITY = 512;
/** I/O requests one being may have waiting. */
export const IO_QUEUE_PER_OWNER = 64;
/** Sandboxes the pool keeps loaded and idle ahead of need: the first run a person asks for does not pay Pyodide's start. */
export const CPU_PREWARMED = 1;
/** The queue beings' numbers reach the page at most this often: live, without a render per job. */
export const KERNEL_STATS_PUSH_MS = 200;
/** How many recent wait times the queue keeps to report its p50 wait. */
export const WAIT_SAMPLES = 200;
/** A room task handed to a being (through the I/O queue) must reach it within this long, waiting included, or the agent retries next tick. */
export const ROOM_DELIVERY_TIMEOUT_MS = 10_000;

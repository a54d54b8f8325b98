/** Tuning numbers of genesis and evolution. Each has its reason. */

/**
 * A change that adds more than this share of the latest version's line count is invasive, so it is a
 * mutation even when nothing was removed: past it, the new code is more new than old.
 */
export const MUTATION_ADDED_RATIO = 0.5;
/** Every Nth version is stored whole, so rebuilding any version applies at most N - 1 diffs. */
export const SNAPSHOT_EVERY = 10;
/** Source code is text a person reads; past this it belongs in a micro-world, not in a genesis. */
export const MAX_SOURCE_BYTES = 64 * 1024;
/** How many version summaries the genesis document itself carries; the master keeps all of them. */
export const VERSIONS_IN_RECORD = 100;
/**
 * The largest micro-world (SQLite file) a being file carries: base64 makes it a third larger inside the JSON, and
 * the whole file is read into memory twice on import; a being that knows more should share it through the master.
 */
export const MAX_MICRO_WORLD_BYTES = 32 * 1024 * 1024;

/** Tuning numbers of the room server, each with its reason. Tests pass smaller ones. */

/** One frame: a pasted page of notes fits, a runaway blob does not (known crash reports: y-websocket #82, yjs #687). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** One room document, in stored update bytes: far beyond a roster, mission board, chat and notes. */
export const MAX_DOC_BYTES = 32 * 1024 * 1024;
/** Token bucket per connection: a burst of this many messages… */
export const RATE_BURST = 300;
/** …refilled at this many per second: typing and presence stay well below it. */
export const RATE_PER_SECOND = 150;
/** Once this many updates are stored for a room, they are merged into one snapshot. */
export const COMPACT_AFTER_UPDATES = 500;
/** A room stays loaded this long after its last client leaves, so a reload does not re-read it. */
export const EVICT_AFTER_MS = 10_000;
/** Invites last a week unless asked otherwise… */
export const DEFAULT_INVITE_TTL_S = 7 * 24 * 3600;
/** …and never more than 90 days. */
export const MAX_INVITE_TTL_S = 90 * 24 * 3600;

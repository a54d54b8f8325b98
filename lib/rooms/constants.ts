/** Tuning numbers of the room document and the claim protocol, each with its reason. */

/** The schema of the room document, written to `meta.version`; a reader refuses to write a version it does not know. */
export const ROOM_DOC_VERSION = 1;
/** A claim whose being left the roster (or vanished from it) this long ago frees its task: long enough to ride out a reload or a short disconnect. */
export const CLAIM_STALE_AFTER_MS = 60_000;
/** Room ids, mission ids and task ids are short names that are safe in keys and urls. */
export const MAX_ID_LENGTH = 64;
/** A peer's id: the y-websocket client id or a device uuid, with room to spare. */
export const MAX_PEER_ID_LENGTH = 128;
/** A being's or a mission's name, as shown in a list. */
export const MAX_NAME_LENGTH = 200;
/** A mission's brief or a task's detail: a page of text, not a document. */
export const MAX_BRIEF_LENGTH = 8_000;
/** One chat message, the same bound as a `being.message` event. */
export const MAX_MESSAGE_TEXT_LENGTH = 16_000;
/** Why a directive was given or a task failed: a paragraph. */
export const MAX_REASON_LENGTH = 2_000;
/** A mission splits into at most this many tasks: a board a person can take in at a glance. */
export const MAX_TASKS_PER_MISSION = 12;
/** A being waits this long after its claim before it trusts it has won: claims from peers a round trip away arrive within it. */
export const CLAIM_SETTLE_MS = 1_500;
/** A mission nobody has split this long after it was posted is split by any being, not only the lowest soul. */
export const SPLIT_GRACE_MS = 5_000;
/** A task whose goal the being's mind has neither achieved nor abandoned by then is given up as failed. */
export const WORK_TIMEOUT_MS = 5 * 60_000;

/** Limits of the event envelope. Each has its reason. */

/** An event is a record of what happened, not a payload carrier: large data lives elsewhere, referenced from `data`. */
export const MAX_EVENT_DATA_BYTES = 64 * 1024;
/** JSON nested deeper than this is a sign of a bug (or an attack on the parser's stack). */
export const MAX_EVENT_DATA_DEPTH = 32;
/** Room ids, subjects and types stay short enough to index and to show in the timeline. */
export const MAX_ROOM_ID_LENGTH = 128;
export const MAX_EVENT_TYPE_LENGTH = 128;
export const MAX_SUBJECT_LENGTH = 512;
/** A URI naming the schema of `data`; longer is not a name any more. */
export const MAX_DATASCHEMA_LENGTH = 2048;
/** A decision's rationale is a few sentences for a person reading the timeline, not a transcript. */
export const MAX_RATIONALE_LENGTH = 4000;

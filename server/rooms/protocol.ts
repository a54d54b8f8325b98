/**
 * The room wire protocol, written down once: y-websocket's framing of the Yjs sync and
 * awareness protocols (y-protocols 1.x), the close codes this server uses, and the
 * invite-token shape. Every frame is binary: `varUint(messageType)` then the body.
 */

/** Bumped when the framing or the meaning of a close code changes. */
export const ROOM_PROTOCOL_VERSION = 1;

/** The first varUint of every frame (the y-websocket client uses the same numbers). */
export const MessageType = {
  /** y-protocols/sync: then varUint(SyncStep) and a varUint8Array (state vector or update). */
  sync: 0,
  /** y-protocols/awareness: a varUint8Array awareness update (presence). Allowed for viewers. */
  awareness: 1,
  /**
   * y-protocols/auth, server → client only: then varUint(0 = permission denied) and a reason
   * string. Sent once to a viewer whose sync step 2 / update was dropped (read-only); the
   * y-websocket client reports it through its permission-denied handler. The connection stays open.
   */
  auth: 2,
  /** Client → server: "send me every awareness state"; no body. */
  queryAwareness: 3,
} as const;

/** The second varUint of a sync frame. */
export const SyncStep = {
  /** "Here is my state vector": the other side answers with step 2. */
  step1: 0,
  /** "Here is everything you are missing": an update. Dropped from viewers. */
  step2: 1,
  /** An incremental update. Dropped from viewers. */
  update: 2,
} as const;

/** What a viewer is told when it tries to write. */
export const READ_ONLY_REASON = "read-only: this invite is for a viewer; edits are not accepted";

// NOTE: the close codes live in lib/rooms, because the browser's room connection reacts to them too.
export { CloseCode } from "../../lib/rooms/closeCodes";

/** The role an invite grants. */
export type RoomRole = "editor" | "viewer";

/**
 * The signed body of an invite token: `base64url(JSON(payload)) + "." + base64url(HMAC-SHA256)`.
 * It rides in the upgrade's `?token=` query, or as a `Sec-WebSocket-Protocol` value
 * (the server then echoes it back as the chosen subprotocol).
 */
export interface InvitePayload {
  /** The room's id (its soul). */
  room: string;
  role: RoomRole;
  /** Expiry, in milliseconds since the epoch. */
  exp: number;
  /** Random, so two invites with the same terms differ. */
  nonce: string;
}

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

/**
 * Close codes: when the server closes one connection, the code says why and the reason
 * (at most 123 bytes) says what to do. Nothing else is closed: the room and its other
 * connections keep going.
 */
export const CloseCode = {
  /** The server is shutting down or the room was unloaded. Reconnect later. */
  goingAway: 1001,
  /** A text frame: rooms speak binary only. */
  notBinary: 1003,
  /** A frame that is not a well-formed sync or awareness message, or an update Yjs refused. */
  malformed: 1007,
  /** A frame larger than the per-message cap. */
  tooBig: 1009,
  /** The server failed (it was logged); the room will reload from the master. Reconnect. */
  serverError: 1011,
  /** The room document would grow beyond the document cap. */
  docTooLarge: 4013,
  /** More messages than the per-connection rate allows. Reconnect slower. */
  rateLimited: 4029,
  /** The person's role in the room changed or they were removed (LUXOS_AUTH=required). Reconnect: the new role applies. */
  roleChanged: 4003,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

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

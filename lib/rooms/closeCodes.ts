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

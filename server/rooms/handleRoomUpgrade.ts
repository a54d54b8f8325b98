import "../serverOnly";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { SocketDecision } from "../auth/roomSocketGate";
import type { RoomServer } from "./createRoomServer";

/** `/rooms/<roomId>`: the websocket path of shared rooms. A room id is its soul. */
export const ROOM_PATH = /^\/rooms\/([A-Za-z0-9_-]{1,128})$/;

const REASONS: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error" };

/** Answers an upgrade with an HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message });
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

/**
 * Answers websocket upgrades on `/rooms/<roomId>` through the room server. Returns false for other paths.
 * `authorize` (the session gate of LUXOS_AUTH=required) decides first; without it the invite token does.
 */
export function handleRoomUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  rooms: RoomServer,
  authorize?: (req: IncomingMessage, roomId: string) => Promise<SocketDecision>,
): boolean {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (!pathname.startsWith("/rooms/")) return false;
  const match = ROOM_PATH.exec(pathname);
  if (!match) {
    refuseUpgrade(socket, 400, "A room id is 1-128 letters, digits, '-' or '_': connect to /rooms/<roomId>.");
    return true;
  }
  const roomId = match[1]!.toLowerCase();
  if (!authorize) {
    rooms.handleUpgrade(req, socket, head, roomId);
    return true;
  }
  socket.on("error", () => socket.destroy());
  authorize(req, roomId).then(
    (decision) => {
      if (decision.ok) rooms.handleUpgrade(req, socket, head, roomId, decision.grant);
      else refuseUpgrade(socket, decision.status, decision.message, decision.retryAfter ? { "Retry-After": String(decision.retryAfter) } : {});
    },
    () => refuseUpgrade(socket, 500, "The server could not check this connection; it was logged. Try again."),
  );
  return true;
}

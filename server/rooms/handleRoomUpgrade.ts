import "../serverOnly";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/** `/rooms/<roomId>`: the websocket path of shared rooms. */
export const ROOM_PATH = /^\/rooms\/([A-Za-z0-9_-]{1,128})$/;

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Answers websocket upgrades on `/rooms/<roomId>`. Returns false for other paths.
 * The path is reserved here; the rooms feature (Yjs) plugs its server in at this point.
 */
export function handleRoomUpgrade(req: IncomingMessage, socket: Duplex): boolean {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (!pathname.startsWith("/rooms/")) return false;
  if (!ROOM_PATH.test(pathname)) {
    refuse(socket, 400, "Bad Request", "A room id is 1-128 letters, digits, '-' or '_': connect to /rooms/<roomId>.");
    return true;
  }
  refuse(socket, 503, "Service Unavailable", "Shared rooms are not enabled on this server yet.");
  return true;
}

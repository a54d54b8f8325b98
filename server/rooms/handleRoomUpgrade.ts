import "../serverOnly";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { RoomServer } from "./createRoomServer";

/** `/rooms/<roomId>`: the websocket path of shared rooms. A room id is its soul. */
export const ROOM_PATH = /^\/rooms\/([A-Za-z0-9_-]{1,128})$/;

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Answers websocket upgrades on `/rooms/<roomId>` through the room server. Returns false for other paths.
 */
export function handleRoomUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, rooms: RoomServer): boolean {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (!pathname.startsWith("/rooms/")) return false;
  const match = ROOM_PATH.exec(pathname);
  if (!match) {
    refuse(socket, 400, "Bad Request", "A room id is 1-128 letters, digits, '-' or '_': connect to /rooms/<roomId>.");
    return true;
  }
  rooms.handleUpgrade(req, socket, head, match[1]!.toLowerCase());
  return true;
}

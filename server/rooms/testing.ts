import "../serverOnly";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { MasterStore } from "../db/store";
import { createRoomServer, type RoomServer, type RoomServerOptions } from "./createRoomServer";
import { handleRoomUpgrade } from "./handleRoomUpgrade";
import { signInvite } from "./inviteToken";
import type { RoomRole } from "./protocol";

export const TEST_SECRET = new TextEncoder().encode("test-secret-test-secret-test-secret!");

/** A room server on 127.0.0.1 and an ephemeral port, for tests. */
export interface TestRoomServer {
  port: number;
  url: string;
  rooms: RoomServer;
  server: Server;
  close(): Promise<void>;
}

export async function startTestRoomServer(
  store: MasterStore,
  options: Partial<RoomServerOptions> = {},
  authorize?: Parameters<typeof handleRoomUpgrade>[4],
): Promise<TestRoomServer> {
  const rooms = createRoomServer({ rooms: store.rooms, secret: TEST_SECRET, evictAfterMs: 50, ...options });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket, head) => {
    if (!handleRoomUpgrade(req, socket, head, rooms, authorize)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `ws://127.0.0.1:${port}/rooms`,
    rooms,
    server,
    close: async () => {
      await rooms.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function tokenFor(room: string, role: RoomRole = "editor", ttlSeconds = 3600): string {
  return signInvite(TEST_SECRET, room, role, ttlSeconds).token;
}

/** A real y-websocket client in this process (no BroadcastChannel, so everything goes through the server). */
export function connectClient(url: string, room: string, token: string, doc = new Y.Doc()): { doc: Y.Doc; provider: WebsocketProvider } {
  const provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true, params: { token }, maxBackoffTime: 100 });
  return { doc, provider };
}

export function synced(provider: WebsocketProvider, timeoutMs = 5_000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the provider did not sync in time")), timeoutMs);
    provider.once("sync", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Polls until `check` holds. */
export async function until(check: () => boolean, timeoutMs = 5_000, what = "the condition"): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Sends a bare websocket upgrade and returns the HTTP status (101 when it opened). */
export function upgradeStatus(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: "" });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A raw ws client that records how it was closed. */
export function rawClient(url: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }>; messages: Uint8Array[] }> {
  const ws = new WebSocket(url);
  const messages: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => messages.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, closed, messages }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
}

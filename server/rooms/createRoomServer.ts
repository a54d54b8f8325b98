import "../serverOnly";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import type * as Y from "yjs";
import { StoreError } from "../db/errors";
import type { RoomsRepo } from "../db/rooms";
import { COMPACT_AFTER_UPDATES, EVICT_AFTER_MS, MAX_DOC_BYTES, MAX_MESSAGE_BYTES, RATE_BURST, RATE_PER_SECOND } from "./constants";
import { verifyInvite } from "./inviteToken";
import { CloseCode, READ_ONLY_REASON, type RoomRole } from "./protocol";
import { RoomDoc, type RoomPeer } from "./RoomDoc";
import { encodeAwareness, encodePermissionDenied, encodeSyncStep1, encodeSyncStep2, isEmptyUpdate, parseFrame } from "./roomMessages";
import { TokenBucket } from "./TokenBucket";

/** A server-side change to a room was refused; `reason` says why. */
export class RoomWriteError extends Error {
  override readonly name = "RoomWriteError";
  constructor(
    readonly reason: "too-large" | "broken" | "closing",
    message: string,
  ) {
    super(message);
  }
}

export interface RoomServerOptions {
  rooms: RoomsRepo;
  /** The HMAC key invites are signed with. */
  secret: Uint8Array;
  maxMessageBytes?: number;
  maxDocBytes?: number;
  rateBurst?: number;
  ratePerSecond?: number;
  compactAfterUpdates?: number;
  evictAfterMs?: number;
  onError?: (error: unknown) => void;
}

/** The room server: websocket upgrades on `/rooms/<roomId>`, one loaded RoomDoc per active room. */
export interface RoomServer {
  /**
   * Checks the invite, loads the room and completes the upgrade, or answers 401/403/404 and destroys the socket.
   * With `grant` (LUXOS_AUTH=required: the person's membership, checked by the caller) no token is read.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, roomId: string, grant?: RoomGrant): void;
  /** Closes a person's connections to a room (their role changed or they were removed); they reconnect under the new role. */
  disconnect(roomId: string, person: string, reason: string): void;
  /**
   * Changes a room's document on the server (loading it when no one is connected), waits until the
   * change is stored in the master, and answers what `fn` returned. Peers receive it like any update.
   * Throws a StoreError NOT_FOUND for an unknown room and a RoomWriteError when the room cannot take it.
   */
  write<T>(roomId: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** How many rooms are loaded and how many connections are open. */
  stats(): { rooms: number; connections: number };
  /** Whether the room's document is in memory now. */
  isLoaded(roomId: string): boolean;
  /** Idempotent: closes every connection (1001), stores what is queued and frees the rooms. */
  close(): Promise<void>;
}

/** What a signed-in member may do in a room socket, decided by the policy before the upgrade. */
export interface RoomGrant {
  readonly role: RoomRole;
  readonly person: string;
}

/** The token from `?token=` or, failing that, the first Sec-WebSocket-Protocol value. */
function tokenOf(req: IncomingMessage): { token: string | undefined; viaProtocol: boolean } {
  const query = new URL(req.url ?? "/", "http://localhost").searchParams.get("token");
  if (query) return { token: query, viaProtocol: false };
  const offered = req.headers["sec-websocket-protocol"]?.split(",")[0]?.trim();
  return { token: offered || undefined, viaProtocol: Boolean(offered) };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const text = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable" }[status] ?? "Error";
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function createRoomServer(options: RoomServerOptions): RoomServer {
  const maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const limits = { maxDocBytes: options.maxDocBytes ?? MAX_DOC_BYTES, compactAfterUpdates: options.compactAfterUpdates ?? COMPACT_AFTER_UPDATES };
  const evictAfterMs = options.evictAfterMs ?? EVICT_AFTER_MS;
  const onError = options.onError ?? ((error: unknown) => console.error("[luxos] rooms:", error));
  // NOTE: ws's own cap is a backstop at twice ours, so an oversized frame usually gets our reason, not a bare 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes * 2, handleProtocols: (protocols) => [...protocols][0] ?? false });

  /** Loaded or loading rooms; `pending` counts upgrades in flight so eviction waits for them. */
  const loaded = new Map<string, { room: Promise<RoomDoc>; pending: number; timer?: NodeJS.Timeout }>();
  /** Rooms being unloaded: a new load waits until their queued updates are stored. */
  const unloading = new Map<string, Promise<void>>();
  const sockets = new Set<WebSocket>();
  /** Connections opened with a grant, by room and person, so a role change can close them. */
  const byPerson = new Map<string, Set<RoomPeer>>();
  let closing: Promise<void> | undefined;

  function acquire(id: string) {
    let entry = loaded.get(id);
    if (!entry) {
      const before = unloading.get(id) ?? Promise.resolve();
      const room = before.then(() => RoomDoc.load(id, options.rooms, limits, onError));
      entry = { room, pending: 0 };
      loaded.set(id, entry);
      room.catch(() => loaded.get(id) === entry && loaded.delete(id));
    }
    clearTimeout(entry.timer);
    entry.pending++;
    return entry;
  }

  function release(id: string, room: RoomDoc | undefined): void {
    const entry = loaded.get(id);
    if (!entry) return;
    entry.pending--;
    if (entry.pending > 0 || (room && room.peers.size > 0)) return;
    const unload = () => {
      if (loaded.get(id) !== entry || entry.pending > 0) return;
      loaded.delete(id);
      const done = entry.room.then((r) => r.close()).catch(onError);
      unloading.set(id, done);
      void done.then(() => unloading.get(id) === done && unloading.delete(id));
    };
    if (room?.broken) unload();
    else entry.timer = setTimeout(unload, evictAfterMs);
  }

  function connect(ws: WebSocket, room: RoomDoc, role: RoomRole, person?: string): void {
    sockets.add(ws);
    const bucket = new TokenBucket(options.rateBurst ?? RATE_BURST, options.ratePerSecond ?? RATE_PER_SECOND);
    let toldReadOnly = false;
    let open = true;
    const peer: RoomPeer = {
      role,
      send: (frame) => open && ws.readyState === ws.OPEN && ws.send(frame, (error) => error && peer.close(CloseCode.goingAway, "send failed")),
      close: (code, reason) => {
        if (!open) return;
        open = false;
        ws.close(code, reason.slice(0, 120));
        // NOTE: a peer that never answers the close handshake is cut off rather than held.
        setTimeout(() => ws.terminate(), 5_000).unref();
      },
    };
    room.peers.set(peer, new Set());
    const personKey = person ? `${room.id}/${person}` : undefined;
    if (personKey) byPerson.set(personKey, (byPerson.get(personKey) ?? new Set()).add(peer));

    ws.on("error", () => peer.close(CloseCode.malformed, "protocol error"));
    ws.on("close", () => {
      open = false;
      sockets.delete(ws);
      if (personKey) byPerson.get(personKey)?.delete(peer);
      if (personKey && byPerson.get(personKey)?.size === 0) byPerson.delete(personKey);
      const owned = room.peers.get(peer);
      room.peers.delete(peer);
      if (owned?.size) awarenessProtocol.removeAwarenessStates(room.awareness, [...owned], null);
      release(room.id, room);
    });
    ws.on("message", (data, isBinary) => {
      try {
        if (!open) return;
        if (!isBinary) return peer.close(CloseCode.notBinary, "rooms speak binary Yjs frames only");
        const bytes = toBytes(data);
        if (bytes.length > maxMessageBytes) return peer.close(CloseCode.tooBig, `a frame is at most ${maxMessageBytes} bytes`);
        if (!bucket.take()) return peer.close(CloseCode.rateLimited, "too many messages; reconnect and send slower");
        const parsed = parseFrame(bytes);
        if (!parsed.ok) return peer.close(CloseCode.malformed, parsed.reason);
        const frame = parsed.frame;
        switch (frame.type) {
          case "sync-step1":
            return peer.send(encodeSyncStep2(room.doc, frame.stateVector));
          case "sync-step2":
          case "sync-update": {
            if (room.broken) return peer.close(CloseCode.serverError, "the room is reloading; reconnect");
            if (role === "viewer") {
              if (!toldReadOnly && !isEmptyUpdate(frame.update)) {
                toldReadOnly = true;
                peer.send(encodePermissionDenied(READ_ONLY_REASON));
              }
              return;
            }
            const result = room.apply(peer, frame.update);
            if (result === "too-large") return peer.close(CloseCode.docTooLarge, "the room document is full; this update was refused");
            if (result === "malformed") return peer.close(CloseCode.malformed, "Yjs refused this update");
            return;
          }
          case "awareness":
            try {
              awarenessProtocol.applyAwarenessUpdate(room.awareness, frame.update, peer);
            } catch {
              peer.close(CloseCode.malformed, "not an awareness update");
            }
            return;
          case "query-awareness":
            return peer.send(encodeAwareness(room.awareness, [...room.awareness.getStates().keys()]));
        }
      } catch (error) {
        onError(error);
        peer.close(CloseCode.serverError, "the server failed on this frame; it was logged");
      }
    });

    peer.send(encodeSyncStep1(room.doc));
    const states = [...room.awareness.getStates().keys()];
    if (states.length) peer.send(encodeAwareness(room.awareness, states));
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, roomId: string, grant: RoomGrant | undefined): Promise<void> {
    let role: RoomRole;
    if (grant) role = grant.role;
    else {
      const check = verifyInvite(options.secret, tokenOf(req).token, roomId);
      if (!check.ok) return refuse(socket, check.status, check.message);
      role = check.invite.role;
    }
    if (closing) return refuse(socket, 503, "The server is shutting down; reconnect in a moment.");
    try {
      await options.rooms.get(roomId);
    } catch (error) {
      if (error instanceof StoreError && error.reason === "NOT_FOUND") return refuse(socket, 404, error.message);
      throw error;
    }
    const entry = acquire(roomId);
    let room: RoomDoc | undefined;
    try {
      room = await entry.room;
    } catch (error) {
      entry.pending--;
      onError(error);
      return refuse(socket, 500, "The room could not be loaded; it was logged. Try again.");
    }
    if (socket.destroyed || closing || room.broken) {
      release(roomId, room);
      return refuse(socket, 503, "The room is not available right now; reconnect.");
    }
    const loadedRoom = room;
    let upgraded = false;
    // NOTE: ws answers a bad handshake itself and never calls back; the pending count must still drop.
    socket.once("close", () => !upgraded && release(roomId, loadedRoom));
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded = true;
      connect(ws, loadedRoom, role, grant?.person);
      entry.pending--;
    });
  }

  return {
    handleUpgrade(req, socket, head, roomId, grant) {
      socket.on("error", () => socket.destroy());
      upgrade(req, socket, head, roomId, grant).catch((error: unknown) => {
        onError(error);
        refuse(socket, 500, "The room could not be opened; it was logged. Try again.");
      });
    },
    async write(roomId, fn) {
      if (closing) throw new RoomWriteError("closing", "The server is shutting down; try again in a moment.");
      await options.rooms.get(roomId);
      const entry = acquire(roomId);
      let room: RoomDoc | undefined;
      try {
        room = await entry.room;
        const result = room.write(fn);
        if (!result.ok)
          throw result.reason === "too-large"
            ? new RoomWriteError("too-large", "The room document is full, so nothing more can be posted to it.")
            : new RoomWriteError("broken", "The room is reloading after a storage failure; try again in a moment.");
        await room.flushed();
        if (room.broken) throw new RoomWriteError("broken", "The change could not be stored in the master; try again in a moment.");
        return result.value;
      } finally {
        release(roomId, room);
      }
    },
    disconnect(roomId, person, reason) {
      for (const peer of byPerson.get(`${roomId}/${person}`) ?? []) peer.close(CloseCode.roleChanged, reason);
    },
    stats: () => ({ rooms: loaded.size, connections: sockets.size }),
    isLoaded: (roomId) => loaded.has(roomId),
    close: () =>
      (closing ??= (async () => {
        for (const ws of sockets) ws.close(CloseCode.goingAway, "the server is shutting down");
        for (const ws of sockets) setTimeout(() => ws.terminate(), 1_000).unref();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const entries = [...loaded.values()];
        loaded.clear();
        for (const e of entries) clearTimeout(e.timer);
        await Promise.all([...entries.map((e) => e.room.then((r) => r.close()).catch(() => undefined)), ...unloading.values()]);
      })()),
  };
}

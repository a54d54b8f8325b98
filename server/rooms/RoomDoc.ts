import "../serverOnly";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { RoomsRepo } from "../db/rooms";
import type { CloseCode, RoomRole } from "./protocol";
import { encodeAwareness, encodeUpdate } from "./roomMessages";

/** One client of a room, as the document sees it. */
export interface RoomPeer {
  readonly role: RoomRole;
  send(frame: Uint8Array): void;
  close(code: CloseCode, reason: string): void;
}

export interface RoomDocLimits {
  maxDocBytes: number;
  compactAfterUpdates: number;
}

/** The origin of the server's own writes: stored and sent to every peer. */
const SERVER_ORIGIN = Symbol("room-server");

export type ApplyResult = "applied" | "too-large" | "malformed";

/**
 * A loaded room: its Y.Doc, presence, peers, and the write-ahead path to the master.
 * NOTE: every update a peer sends is appended to `room_updates` before it is broadcast,
 * through one promise chain per room, so the order on disk is the order peers see.
 */
export class RoomDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each peer with the awareness client ids it controls. */
  readonly peers = new Map<RoomPeer, Set<number>>();
  private chain: Promise<void> = Promise.resolve();
  private failed = false;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly id: string,
    private readonly repo: RoomsRepo,
    private readonly limits: RoomDocLimits,
    private readonly onError: (error: unknown) => void,
    private rows: number,
    private lastSeq: number,
    /** Stored bytes plus bytes queued to be stored: what the document cap measures. */
    private bytes: number,
  ) {
    this.awareness.setLocalState(null);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.persistThenBroadcast(update, origin));
    this.awareness.on("update", ({ added, updated, removed }: Record<"added" | "updated" | "removed", number[]>, origin: unknown) => {
      const owned = origin instanceof Object ? this.peers.get(origin as RoomPeer) : undefined;
      if (owned) {
        for (const id of added) owned.add(id);
        for (const id of removed) owned.delete(id);
      }
      const changed = [...added, ...updated, ...removed];
      if (changed.length) this.broadcast(encodeAwareness(this.awareness, changed));
    });
  }

  /** Loads a room by applying every stored update in order. */
  static async load(id: string, repo: RoomsRepo, limits: RoomDocLimits, onError: (error: unknown) => void): Promise<RoomDoc> {
    const { updates, lastSeq } = await repo.loadUpdates(id);
    const room = new RoomDoc(id, repo, limits, onError, updates.length, lastSeq, 0);
    room.doc.transact(() => {
      for (const update of updates) {
        try {
          Y.applyUpdate(room.doc, update, room);
        } catch (error) {
          onError(new Error(`room ${id}: a stored update could not be applied and was skipped`, { cause: error }));
        }
        room.bytes += update.length;
      }
    }, room);
    return room;
  }

  /** Applies a peer's update; the `update` event appends it and then broadcasts it. */
  apply(peer: RoomPeer, update: Uint8Array): ApplyResult {
    if (this.bytes + update.length > this.limits.maxDocBytes) return "too-large";
    try {
      Y.applyUpdate(this.doc, update, peer);
      return "applied";
    } catch {
      return "malformed";
    }
  }

  /**
   * Runs a change the server makes itself (the master posting a mission) as one transaction. It is
   * stored and broadcast like a peer's update. Returns "too-large" without changing anything when
   * the document is already at its cap, and refuses while the room is broken.
   */
  write<T>(fn: (doc: Y.Doc) => T): { ok: true; value: T } | { ok: false; reason: "too-large" | "broken" } {
    if (this.failed) return { ok: false, reason: "broken" };
    if (this.bytes >= this.limits.maxDocBytes) return { ok: false, reason: "too-large" };
    let value!: T;
    this.doc.transact(() => {
      value = fn(this.doc);
    }, SERVER_ORIGIN);
    return { ok: true, value };
  }

  /** Resolves once every accepted update is stored. */
  flushed(): Promise<void> {
    return this.chain;
  }

  /** Idempotent: stores what is queued, then frees the document. */
  close(): Promise<void> {
    return (this.closed ??= this.chain.then(() => {
      this.awareness.destroy();
      this.doc.destroy();
    }));
  }

  broadcast(frame: Uint8Array, except?: unknown): void {
    for (const peer of this.peers.keys()) if (peer !== except) peer.send(frame);
  }

  private persistThenBroadcast(update: Uint8Array, origin: unknown): void {
    if (origin === this) return; // loaded from the master or a snapshot: already stored
    this.bytes += update.length;
    const frame = encodeUpdate(update);
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      try {
        this.lastSeq = await this.repo.appendUpdate(this.id, update);
        this.rows++;
      } catch (error) {
        this.fail(error);
        return;
      }
      this.broadcast(frame, origin);
      if (this.rows > this.limits.compactAfterUpdates) await this.compact();
    });
  }

  /** Merges every stored update into one snapshot row. */
  private async compact(): Promise<void> {
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    try {
      await this.repo.compact(this.id, snapshot, this.lastSeq);
      this.rows = 1;
      this.bytes = snapshot.length;
    } catch (error) {
      // NOTE: a failed compaction loses nothing: the rows it would have replaced are still there.
      this.onError(new Error(`room ${this.id}: compaction failed; the update log is intact`, { cause: error }));
    }
  }

  /** The master refused a write: nothing more is accepted; every peer reconnects to a fresh load. */
  private fail(error: unknown): void {
    this.failed = true;
    this.onError(new Error(`room ${this.id}: an update could not be stored; closing the room's connections`, { cause: error }));
    for (const peer of this.peers.keys()) peer.close(1011, "the server could not store an update; reconnect");
  }

  get broken(): boolean {
    return this.failed;
  }
}

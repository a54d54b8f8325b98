"use client";
/**
 * One room open in this tab: its Y.Doc mirrored in IndexedDB (so it works offline and merges on
 * reconnect), the y-websocket provider to `/rooms/<id>?token=…` (reconnecting with exponential
 * backoff), and presence through awareness (who is here, which being each person is looking at).
 *
 * A browser cannot read why an upgrade was refused (401/403/404), so when a connection closes
 * before it ever opened, the connection asks `rooms.checkInvite` and, for a bad, expired or
 * other-room token, stops and says so instead of retrying forever.
 */
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { createRoomDoc, type RoomDoc } from "../../lib/rooms";
import { CloseCode } from "../../lib/rooms/closeCodes";
import type { LocalPerson } from "./localPerson";

/** The longest wait between reconnects: a returning server is found within this. */
export const MAX_BACKOFF_MS = 5_000;
/** A refused connection re-checks its token at most this often. */
const RECHECK_MS = 3_000;

export type InviteCheck =
  | { readonly ok: true; readonly role: "editor" | "viewer"; readonly expires_at: string }
  | { readonly ok: false; readonly reason: string; readonly message: string };

export type ConnectionStatus = "connecting" | "connected" | "offline" | "refused";

export interface Presence {
  readonly clientId: number;
  readonly self: boolean;
  readonly id: string;
  readonly name: string;
  readonly color: string;
  /** The browser (room peer) this person is in: the host of the beings it runs. */
  readonly peer: string | null;
  /** The soul of the being this person is looking at, if any. */
  readonly lookingAt: string | null;
}

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** True once the server's copy and ours have been exchanged on the current connection. */
  readonly synced: boolean;
  /** True once the IndexedDB copy is loaded. */
  readonly localLoaded: boolean;
  readonly role: "editor" | "viewer" | null;
  /** When the invite expires (ISO), once the server has checked it. */
  readonly expiresAt: string | null;
  /** Why the room is refused or the last connection closed, in words. */
  readonly problem: string | null;
  readonly presence: readonly Presence[];
  /** How many times the server said this person's role in the room changed (or they were removed): the page fetches a new token. */
  readonly roleChanges: number;
}

export interface RoomConnectionOptions {
  readonly roomId: string;
  readonly token: string;
  /** `ws(s)://host/rooms` */
  readonly wsBase: string;
  readonly person: LocalPerson;
  readonly check: (token: string) => Promise<InviteCheck>;
}

function presenceOf(awareness: WebsocketProvider["awareness"], selfId: number): Presence[] {
  const out: Presence[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: unknown }).user as { id?: unknown; name?: unknown; color?: unknown } | undefined;
    if (!user || typeof user.name !== "string" || typeof user.id !== "string") continue;
    const lookingAt = (state as { lookingAt?: unknown }).lookingAt;
    const peer = (state as { peer?: unknown }).peer;
    out.push({
      clientId,
      self: clientId === selfId,
      id: user.id,
      name: user.name.slice(0, 60),
      color: typeof user.color === "string" && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : "#64748b",
      lookingAt: typeof lookingAt === "string" ? lookingAt : null,
      peer: typeof peer === "string" ? peer : null,
    });
  }
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

export class RoomConnection {
  readonly doc = new Y.Doc();
  readonly room: RoomDoc = createRoomDoc(this.doc);
  private readonly local: IndexeddbPersistence;
  private provider: WebsocketProvider | null = null;
  private state: ConnectionState;
  private readonly listeners = new Set<() => void>();
  private lastCheck = 0;
  private openedThisAttempt = false;
  private closed = false;
  private readonly onOnline = () => this.provider?.connect();
  private readonly onOffline = () => {
    // NOTE: the socket may linger after the network is gone; dropping it now keeps edits local until we are back.
    this.provider?.disconnect();
    this.set({ status: "offline", synced: false });
  };

  private constructor(private readonly options: RoomConnectionOptions) {
    this.state = { status: "connecting", synced: false, localLoaded: false, role: null, expiresAt: null, problem: null, presence: [], roleChanges: 0 };
    this.local = new IndexeddbPersistence(`luxos-room-${options.roomId}`, this.doc);
    void this.local.whenSynced.then(() => this.set({ localLoaded: true }));
  }

  /** Checks the invite (when the server is reachable) and connects; a refused invite leaves only the local copy. */
  static async create(options: RoomConnectionOptions): Promise<RoomConnection> {
    const connection = new RoomConnection(options);
    let check: InviteCheck | null = null;
    try {
      check = await options.check(options.token);
    } catch {
      // NOTE: the server is unreachable (offline): work on the local copy and connect when it is back.
    }
    if (check && !check.ok) {
      connection.set({ status: "refused", problem: check.message });
      return connection;
    }
    if (check?.ok) connection.set({ role: check.role, expiresAt: check.expires_at });
    connection.connect();
    return connection;
  }

  private connect(): void {
    const { roomId, token, wsBase, person } = this.options;
    // NOTE: disableBc: a viewer tab must never hand its edits to an editor tab of the same browser, which would send them on.
    const provider = new WebsocketProvider(wsBase, roomId, this.doc, {
      params: { token },
      disableBc: true,
      maxBackoffTime: MAX_BACKOFF_MS,
      connect: navigator.onLine,
    });
    this.provider = provider;
    provider.awareness.setLocalStateField("user", { id: person.id, name: person.name, color: person.color });
    provider.awareness.setLocalStateField("lookingAt", null);
    provider.awareness.setLocalStateField("peer", person.peer);
    provider.on("status", ({ status }) => {
      if (status === "connected") {
        this.openedThisAttempt = true;
        this.set({ status: "connected", problem: null });
      } else if (status === "connecting") {
        this.openedThisAttempt = false;
        if (this.state.status !== "refused") this.set({ status: navigator.onLine ? "connecting" : "offline" });
      } else if (this.state.status !== "refused") this.set({ status: navigator.onLine ? "connecting" : "offline", synced: false });
    });
    provider.on("sync", (synced) => this.set({ synced }));
    provider.on("connection-close", (event) => {
      if (event?.code === CloseCode.roleChanged) {
        // NOTE: the token still names the old role, so reconnecting with it would leave the page showing that role until a reload.
        this.set({ problem: "Your role in this room changed: loading your new access…", roleChanges: this.state.roleChanges + 1 });
        return;
      }
      if (event && event.code !== 1000 && event.code !== 1006 && event.reason) this.set({ problem: `The server closed the connection: ${event.reason}` });
      if (!this.openedThisAttempt && navigator.onLine) void this.recheck();
    });
    provider.awareness.on("change", () => this.set({ presence: presenceOf(provider.awareness, this.doc.clientID) }));
    this.set({ presence: presenceOf(provider.awareness, this.doc.clientID) });
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
  }

  /** After a refused upgrade: a bad token stops the retries and says why; otherwise backoff continues. */
  private async recheck(): Promise<void> {
    if (Date.now() - this.lastCheck < RECHECK_MS || this.closed) return;
    this.lastCheck = Date.now();
    try {
      const check = await this.options.check(this.options.token);
      if (check.ok) {
        this.set({ role: check.role, expiresAt: check.expires_at });
        return;
      }
      this.provider?.disconnect();
      this.set({ status: "refused", problem: check.message, synced: false });
    } catch {
      this.set({ problem: "The server cannot be reached; reconnecting…" });
    }
  }

  /** What the room looks like now; a new object after every change. */
  snapshot(): ConnectionState {
    return this.state;
  }

  /** Calls `cb` after every connection or presence change. Returns the unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  get readOnly(): boolean {
    return this.state.role === "viewer" || this.state.status === "refused";
  }

  /** Tells everyone in the room which being this person is looking at. */
  setLookingAt(soul: string | null): void {
    this.provider?.awareness.setLocalStateField("lookingAt", soul);
  }

  /** Drops the socket as if the network went away (the local copy keeps every edit). */
  goOffline(): void {
    this.onOffline();
  }

  /** Reconnects after goOffline. */
  goOnline(): void {
    this.provider?.connect();
  }

  /** Idempotent: leaves the room (presence goes at once) and closes the local copy. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    this.provider?.awareness.setLocalState(null);
    this.provider?.destroy();
    void this.local.destroy();
    this.doc.destroy();
    this.listeners.clear();
  }

  private set(patch: Partial<ConnectionState>): void {
    if (this.closed) return;
    this.state = { ...this.state, ...patch };
    for (const cb of this.listeners) cb();
  }
}

/**
 * Store-and-forward (M9): a being's sync loop sends its micro-world's outbox to the master with
 * `events.push`, deletes only what the master acknowledged, and retries everything else with
 * capped exponential backoff and jitter. It survives a master that dies mid-request (the request
 * times out and the same events go again; the master dedupes by event id), a reload (the outbox is
 * on OPFS) and the network going away (it waits for `online`).
 *
 * In the same loop, after the outbox and before any pull, it sends the being's Tiki spend (the
 * micro-world's `spend` table) with `tiki.report`, up to 500 entries a report, deleting only what the
 * master answered for; an entry's id is its idempotency key there, so a report sent again counts once.
 *
 * Everything it touches comes in through {@link SyncDeps}, so the tests drive it with a fake clock
 * and a fake master.
 */
import type { EventAck, KnowledgePullOutput, PulledFact } from "../../lib/knowledge/contract";
import type { JsonObject } from "../../lib/jsonMergePatch";
import type { LedgerKind } from "../../lib/tikiLedger";
import type { SyncState, SyncStatus } from "./api";
import {
  SPEND_BATCH,
  SYNC_BACKOFF_BASE_MS,
  SYNC_BACKOFF_CAP_MS,
  SYNC_BATCH_BYTES,
  SYNC_BATCH_EVENTS,
  SYNC_IDLE_MS,
  SYNC_NUDGE_MS,
  SYNC_OFFLINE_POLL_MS,
  SYNC_PULL_MS,
  SYNC_REQUEST_TIMEOUT_MS,
} from "./constants";

/** One outbox row as the loop sends it: the event id and its stored envelope (JSON text). */
export interface OutboxEntry {
  readonly id: string;
  readonly envelope: string;
}

/** The outbox side: the micro-world in the worker, an array in tests. */
export interface OutboxStore {
  /** The oldest entries not refused, at most `limit` of them and about `maxBytes` of envelopes (always at least one). */
  peek(limit: number, maxBytes: number): readonly OutboxEntry[];
  /** Deletes these entries and marks their facts synced, in one transaction. */
  acknowledge(ids: readonly string[]): void;
  /** Keeps an entry the master refused out of later batches (it stays in the outbox, with the reason). */
  refuse(id: string, reason: string): void;
  /** Entries still to send (refused ones included). */
  depth(): number;
  /** Entries the master refused. */
  refused(): number;
}

/** Where facts the master learned elsewhere land: the micro-world in the worker. */
export interface PulledStore {
  /** The last `knowledge.pull` cursor stored, or null for the beginning. */
  pullCursor(): string | null;
  /** Stores pulled facts (never into the outbox: nothing echoes back) and the new cursor in one transaction; answers how many were new. */
  absorb(facts: readonly PulledFact[], cursor: string | null): number;
}

/** One spend entry as `tiki.report` takes it (lib/tikiLedger.ts). */
export interface SpendEntry {
  readonly id: string;
  readonly branch: string;
  readonly task?: string;
  readonly kind: LedgerKind;
  readonly provider?: string;
  readonly tiki: number;
  readonly ok: boolean;
  readonly detail: JsonObject;
}

/** Where spend waits for the master's ledger: the micro-world in the worker. */
export interface SpendStore {
  /** The oldest entries ready to send at `now` (windows still open stay), at most `limit`. */
  peekSpend(limit: number, now: number): readonly SpendEntry[];
  /** Deletes entries the master recorded. */
  acknowledgeSpend(ids: readonly string[]): void;
  /** Keeps an entry the master refused out of later reports, with the reason. */
  refuseSpend(id: string, reason: string): void;
}

/** `tiki.report` for this being: resolves once the master holds every entry (now or from before). */
export type ReportSpend = (entries: readonly SpendEntry[], signal: AbortSignal) => Promise<unknown>;

/** `knowledge.pull` from `since`. */
export type PullFacts = (since: string | null, signal: AbortSignal) => Promise<KnowledgePullOutput>;

/** The master side: `events.push`. Rejects with an error whose `data.code` is tRPC's code when the master answered one. */
export type PushEvents = (events: readonly unknown[], signal: AbortSignal) => Promise<readonly EventAck[]>;

export interface SyncClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncDeps {
  readonly outbox: OutboxStore;
  readonly push: PushEvents;
  /** `navigator.onLine`: false means do not even try. */
  readonly isOnline: () => boolean;
  readonly clock?: SyncClock;
  /** A number in [0, 1) for the jitter. */
  readonly random?: () => number;
  /** Called with every failed attempt (the worker notes it; the status shows the last one). */
  readonly onError?: (error: unknown) => void;
  /** Called after each change of the status (an ack, a failure, offline). */
  readonly onChange?: () => void;
  /** With it, the loop also pulls what the master learned from other beings, whenever the outbox is empty. */
  readonly pull?: { readonly fetch: PullFacts; readonly store: PulledStore };
  /** With it, the loop also reports the being's Tiki spend to the master's ledger, whenever the outbox is empty. */
  readonly spend?: { readonly report: ReportSpend; readonly store: SpendStore };
  readonly tuning?: Partial<SyncTuning>;
}

export interface SyncTuning {
  batchEvents: number;
  batchBytes: number;
  requestTimeoutMs: number;
  idleMs: number;
  nudgeMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  offlinePollMs: number;
  pullMs: number;
  spendBatch: number;
}

const DEFAULT_TUNING: SyncTuning = {
  batchEvents: SYNC_BATCH_EVENTS,
  batchBytes: SYNC_BATCH_BYTES,
  requestTimeoutMs: SYNC_REQUEST_TIMEOUT_MS,
  idleMs: SYNC_IDLE_MS,
  nudgeMs: SYNC_NUDGE_MS,
  backoffBaseMs: SYNC_BACKOFF_BASE_MS,
  backoffCapMs: SYNC_BACKOFF_CAP_MS,
  offlinePollMs: SYNC_OFFLINE_POLL_MS,
  pullMs: SYNC_PULL_MS,
  spendBatch: SPEND_BATCH,
};

const realClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The master refused the request itself (bad input, too large): sending it again unchanged cannot help. */
const REFUSALS = new Set(["BAD_REQUEST", "PAYLOAD_TOO_LARGE", "UNPROCESSABLE_CONTENT"]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const data = error.data;
  return typeof data === "object" && data !== null && "code" in data && typeof data.code === "string" ? data.code : undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return isTimeout(error) ? "the master did not answer in time" : error.message;
  return String(error);
}

/**
 * How long to wait before retry number `attempt` (1, 2, …): exponential from `base`, capped at
 * `cap`, with "equal jitter" (half fixed, half random) so a swarm that failed together does not
 * come back together.
 *
 * @example backoffDelay(1, 500, 15_000, 0.5) // 375
 */
export function backoffDelay(attempt: number, base: number, cap: number, random: number): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

export class SyncLoop {
  private readonly clock: SyncClock;
  private readonly random: () => number;
  private readonly tuning: SyncTuning;
  private timer: unknown = null;
  private wakeAt: number | null = null;
  private inFlight: AbortController | null = null;
  private running = false;
  private state: SyncState = "idle";
  private attempts = 0;
  /** Halved after a refused or timed-out batch (down to one event); doubles back after each success. */
  private batchLimit: number;
  private lastSyncAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private lastError: string | null = null;
  private sent = 0;
  private pulled = 0;
  private lastPullAt: number | null = null;
  /** True while the master has more to give than one page. */
  private pullPending = true;
  /** Spend entries per report: halved while the master refuses a report, down to one entry. */
  private spendLimit: number;
  private reportedSpend = 0;

  constructor(private readonly deps: SyncDeps) {
    this.clock = deps.clock ?? realClock;
    this.random = deps.random ?? Math.random;
    this.tuning = { ...DEFAULT_TUNING, ...deps.tuning };
    this.batchLimit = this.tuning.batchEvents;
    this.spendLimit = this.tuning.spendBatch;
  }

  /** Starts sending at once (what a reload left in the outbox goes first). Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop; a request in flight is abandoned (its events stay in the outbox). Idempotent. */
  stop(): void {
    this.running = false;
    this.cancelTimer();
    this.inFlight?.abort();
    this.inFlight = null;
  }

  /** Something was appended: send it soon (debounced), unless the loop is backing off or offline. */
  nudge(): void {
    if (!this.running || this.inFlight || this.state === "retrying" || this.state === "offline") return;
    const at = this.clock.now() + this.tuning.nudgeMs;
    if (this.wakeAt !== null && this.wakeAt <= at) return;
    this.schedule(this.tuning.nudgeMs);
  }

  /** The network came back (or a person asked to retry now): forget the backoff and send at once. */
  wake(): void {
    if (!this.running) return;
    this.attempts = 0;
    if (this.inFlight) return;
    this.schedule(0);
  }

  /** The network went away: stop trying until {@link wake}, or until `isOnline` says so again. */
  offline(): void {
    if (!this.running || this.inFlight) return;
    this.setState("offline");
    this.schedule(this.tuning.offlinePollMs);
  }

  status(): SyncStatus {
    return {
      state: this.state,
      depth: this.deps.outbox.depth(),
      refused: this.deps.outbox.refused(),
      sent: this.sent,
      lastSyncAt: this.lastSyncAt,
      lastAttemptAt: this.lastAttemptAt,
      lastError: this.lastError,
      attempts: this.attempts,
      nextAttemptAt: this.state === "retrying" ? this.wakeAt : null,
      pulled: this.pulled,
      spendReported: this.reportedSpend,
      lastPullAt: this.lastPullAt,
    };
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.wakeAt = this.clock.now() + ms;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.wakeAt = null;
      void this.cycle();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.wakeAt = null;
  }

  private setState(state: SyncState): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.onChange?.();
  }

  /** One attempt: send the oldest batch, then decide when to look again. */
  private async cycle(): Promise<void> {
    if (!this.running || this.inFlight) return;
    if (!this.deps.isOnline()) {
      // NOTE: `online` is not always delivered to a worker; asking navigator.onLine now and then costs nothing.
      this.setState("offline");
      this.schedule(this.tuning.offlinePollMs);
      return;
    }
    let batch: readonly OutboxEntry[];
    let events: unknown[];
    try {
      batch = this.deps.outbox.peek(this.batchLimit, this.tuning.batchBytes);
      events = batch.map((entry) => JSON.parse(entry.envelope) as unknown);
    } catch (error) {
      this.deps.onError?.(error);
      this.fail(error);
      return;
    }
    if (batch.length === 0) {
      const spend = this.deps.spend;
      if (spend) {
        let entries: readonly SpendEntry[];
        try {
          entries = spend.store.peekSpend(this.spendLimit, this.clock.now());
        } catch (error) {
          this.deps.onError?.(error);
          this.fail(error);
          return;
        }
        if (entries.length > 0) {
          await this.reportOnce(spend, entries);
          return;
        }
      }
      const pull = this.deps.pull;
      if (pull && (this.pullPending || this.lastPullAt === null || this.clock.now() - this.lastPullAt >= this.tuning.pullMs)) {
        await this.pullOnce(pull);
        return;
      }
      this.setState("idle");
      this.schedule(this.tuning.idleMs);
      return;
    }
    const controller = new AbortController();
    this.inFlight = controller;
    this.lastAttemptAt = this.clock.now();
    this.setState("sending");
    const timeout = this.clock.setTimeout(
      () => controller.abort(new DOMException("the master did not answer in time", "TimeoutError")),
      this.tuning.requestTimeoutMs,
    );
    try {
      const acks = await this.deps.push(events, controller.signal);
      // NOTE: a loop stopped (and perhaps started again) meanwhile has moved on; this answer is no longer its business.
      if (this.inFlight !== controller) return;
      if (controller.signal.aborted) throw controller.signal.reason;
      this.acknowledged(batch, acks);
    } catch (error) {
      if (this.inFlight !== controller) return;
      this.failed(batch, error);
    } finally {
      this.clock.clearTimeout(timeout);
      if (this.inFlight === controller) this.inFlight = null;
    }
  }

  /** One `tiki.report`: on an answer every entry sent is deleted (the master dedupes by id, so a replay is free). */
  private async reportOnce(spend: NonNullable<SyncDeps["spend"]>, entries: readonly SpendEntry[]): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    this.lastAttemptAt = this.clock.now();
    this.setState("sending");
    const timeout = this.clock.setTimeout(
      () => controller.abort(new DOMException("the master did not answer in time", "TimeoutError")),
      this.tuning.requestTimeoutMs,
    );
    try {
      await spend.report(entries, controller.signal);
      if (this.inFlight !== controller) return;
      if (controller.signal.aborted) throw controller.signal.reason;
      spend.store.acknowledgeSpend(entries.map((e) => e.id));
      this.reportedSpend += entries.length;
      this.spendLimit = Math.min(this.tuning.spendBatch, this.spendLimit * 2);
      this.lastSyncAt = this.clock.now();
      this.lastError = null;
      this.attempts = 0;
      this.state = "idle";
      this.deps.onChange?.();
      // NOTE: more may be ready (a full report); the next cycle finds out, and the outbox still goes first.
      this.schedule(entries.length >= this.spendLimit ? 0 : this.tuning.idleMs);
    } catch (error) {
      if (this.inFlight !== controller) return;
      this.spendFailed(spend.store, entries, error);
    } finally {
      this.clock.clearTimeout(timeout);
      if (this.inFlight === controller) this.inFlight = null;
    }
  }

  private spendFailed(store: SpendStore, entries: readonly SpendEntry[], error: unknown): void {
    this.deps.onError?.(error);
    const code = codeOf(error);
    if (code !== undefined && REFUSALS.has(code)) {
      // NOTE: as with events: halve until the entry the master refuses stands alone, and set only that one aside.
      if (entries.length > 1) {
        this.spendLimit = Math.max(1, Math.floor(entries.length / 2));
        this.lastError = `the master refused a report of ${entries.length} spend entries (${messageOf(error)}); sending smaller reports`;
      } else {
        try {
          store.refuseSpend(entries[0]!.id, messageOf(error));
        } catch (storeError) {
          this.deps.onError?.(storeError);
          this.fail(storeError);
          return;
        }
        this.lastError = `the master refused spend entry ${entries[0]!.id}: ${messageOf(error)}`;
      }
      this.setState("idle");
      this.schedule(0);
      return;
    }
    this.fail(error);
  }

  /** One page of `knowledge.pull` into the micro-world; the outbox always goes first. */
  private async pullOnce(pull: NonNullable<SyncDeps["pull"]>): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    this.lastAttemptAt = this.clock.now();
    const timeout = this.clock.setTimeout(
      () => controller.abort(new DOMException("the master did not answer in time", "TimeoutError")),
      this.tuning.requestTimeoutMs,
    );
    try {
      const page = await pull.fetch(pull.store.pullCursor(), controller.signal);
      if (this.inFlight !== controller) return;
      if (controller.signal.aborted) throw controller.signal.reason;
      this.pulled += pull.store.absorb(page.facts, page.cursor);
      this.lastPullAt = this.clock.now();
      this.pullPending = !page.done;
      this.attempts = 0;
      this.lastError = null;
      this.state = "idle";
      this.deps.onChange?.();
      this.schedule(this.pullPending ? 0 : this.tuning.idleMs);
    } catch (error) {
      if (this.inFlight !== controller) return;
      this.deps.onError?.(error);
      this.fail(error);
    } finally {
      this.clock.clearTimeout(timeout);
      if (this.inFlight === controller) this.inFlight = null;
    }
  }

  private acknowledged(batch: readonly OutboxEntry[], acks: readonly EventAck[]): void {
    const sentIds = new Set(batch.map((entry) => entry.id));
    // NOTE: only ids this batch carried are deleted: an answer about anything else is ignored, never trusted.
    const ids = [...new Set(acks.map((ack) => ack.id.toLowerCase()).filter((id) => sentIds.has(id)))];
    try {
      this.deps.outbox.acknowledge(ids);
    } catch (error) {
      this.deps.onError?.(error);
      this.fail(error);
      return;
    }
    this.sent += ids.length;
    this.lastSyncAt = this.clock.now();
    this.lastError = null;
    this.attempts = 0;
    // NOTE: grow back only while answers come quickly, or a slow master would see a timeout every other batch.
    const tookMs = this.clock.now() - (this.lastAttemptAt ?? this.clock.now());
    if (tookMs < this.tuning.requestTimeoutMs / 2) this.batchLimit = Math.min(this.tuning.batchEvents, this.batchLimit * 2);
    if (ids.length < batch.length) {
      // The master answered but left some out: they stay, and go again after a pause rather than in a tight loop.
      this.lastError = `the master acknowledged ${ids.length} of ${batch.length} events; the rest will be sent again`;
      this.retryLater();
      return;
    }
    this.state = "idle";
    this.deps.onChange?.();
    // More waiting: straight on. Otherwise, look again after a while (a nudge comes sooner).
    this.schedule(this.deps.outbox.depth() > this.deps.outbox.refused() ? 0 : this.tuning.idleMs);
  }

  private failed(batch: readonly OutboxEntry[], error: unknown): void {
    this.deps.onError?.(error);
    const code = codeOf(error);
    if (code !== undefined && REFUSALS.has(code)) {
      // NOTE: a refused batch is halved until the event the master refuses stands alone; only that one is set aside.
      if (batch.length > 1) {
        this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
        this.lastError = `the master refused a batch of ${batch.length} events (${messageOf(error)}); sending smaller batches`;
        this.setState("idle");
        this.schedule(0);
        return;
      }
      try {
        this.deps.outbox.refuse(batch[0]!.id, messageOf(error));
      } catch (storeError) {
        this.deps.onError?.(storeError);
        this.fail(storeError);
        return;
      }
      this.lastError = `the master refused event ${batch[0]!.id}: ${messageOf(error)}`;
      this.setState("idle");
      this.schedule(0);
      return;
    }
    if (isTimeout(error) && batch.length > 1) {
      // NOTE: a master too slow for this batch gets a smaller one next time (it may still be storing this one: the replay is free).
      this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
    }
    this.fail(error);
  }

  private fail(error: unknown): void {
    this.lastError = messageOf(error);
    if (!this.deps.isOnline()) {
      this.setState("offline");
      this.schedule(this.tuning.offlinePollMs);
      return;
    }
    this.retryLater();
  }

  private retryLater(): void {
    this.attempts += 1;
    const delay = backoffDelay(this.attempts, this.tuning.backoffBaseMs, this.tuning.backoffCapMs, this.random());
    this.schedule(delay);
    this.state = "retrying";
    this.deps.onChange?.();
  }
}

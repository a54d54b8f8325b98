/**
 * One kernel queue (seed 001): jobs from many beings, at most `concurrency` running at once, served
 * round-robin between beings (each being's own jobs in the order it gave them), bounded in all and per
 * being, and cancellable while waiting or running. The I/O and the CPU queue are both one of these.
 */
import { WAIT_SAMPLES } from "./constants";

export type KernelQueueErrorReason = "full" | "owner_full" | "cancelled" | "closed";

/** A job the queue refused or dropped; `reason` says which, the message what to do. */
export class KernelQueueError extends Error {
  override readonly name = "KernelQueueError";
  constructor(
    readonly reason: KernelQueueErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface KernelQueueLimits {
  /** Jobs running at once. */
  readonly concurrency: number;
  /** Jobs waiting, in all. */
  readonly capacity: number;
  /** Jobs one owner may have waiting. */
  readonly perOwner: number;
}

/** What a queue being shows: its depth and what passed through it. Plain JSON. */
export interface KernelQueueStats {
  readonly name: string;
  /** Jobs waiting. */
  readonly depth: number;
  readonly running: number;
  readonly concurrency: number;
  readonly capacity: number;
  /** Jobs that ended, by how. */
  readonly done: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Jobs refused because the queue (or the being's share of it) was full. */
  readonly refused: number;
  /** Waiting and running jobs per owner (a being's soul), for the owners that have any. */
  readonly owners: Readonly<Record<string, { readonly waiting: number; readonly running: number }>>;
  /** Median time a job waited before it ran, over the last few, in ms; null before any ran. */
  readonly waitP50Ms: number | null;
}

export interface SubmitOptions {
  /** Aborting it cancels the job: a waiting job never runs, a running one sees its own signal abort. */
  readonly signal?: AbortSignal | undefined;
  /** What the job is, for error messages ("RUN python", "CALL Echo"). */
  readonly label?: string;
}

interface Job {
  readonly owner: string;
  readonly label: string;
  readonly work: (signal: AbortSignal) => Promise<unknown>;
  readonly controller: AbortController;
  readonly enqueuedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  state: "waiting" | "running" | "ended";
  unlisten: () => void;
}

/** A kernel queue. `now` is the clock (tests pass their own). */
export class KernelQueue {
  /** Waiting jobs per owner, oldest first; an owner is in the map only while it has waiting jobs. */
  private readonly waiting = new Map<string, Job[]>();
  /** Owners in the order they are served: the next start goes to the first owner after `lastServed` that has work. */
  private readonly ring: string[] = [];
  private lastServed: string | null = null;
  private readonly running = new Set<Job>();
  private readonly listeners = new Set<() => void>();
  private readonly waits: number[] = [];
  private counts = { done: 0, failed: 0, cancelled: 0, refused: 0 };
  private waitingCount = 0;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly limits: KernelQueueLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (limits.concurrency < 1) throw new RangeError("a kernel queue runs at least one job at a time");
  }

  /**
   * Runs `work` when its turn comes and answers what it answers. Rejects at once with a KernelQueueError
   * when the queue or the owner's share is full, and with reason `cancelled` when `options.signal` aborts.
   *
   * @example await queue.submit(soul, (signal) => fetch(url, { signal }), { label: "LOAD url" })
   */
  submit<T>(owner: string, work: (signal: AbortSignal) => Promise<T>, options: SubmitOptions = {}): Promise<T> {
    const label = options.label ?? "a job";
    if (this.closed) return Promise.reject(new KernelQueueError("closed", `The ${this.name} is closed: reload the page.`));
    if (options.signal?.aborted) return Promise.reject(this.cancelledError(label));
    const mine = this.waiting.get(owner)?.length ?? 0;
    if (this.waitingCount >= this.limits.capacity) {
      this.counts.refused += 1;
      this.changed();
      return Promise.reject(
        new KernelQueueError(
          "full",
          `The ${this.name} is full (${this.limits.capacity} jobs waiting), so ${label} was refused: wait for some to finish, or stop a being that floods it, then try again.`,
        ),
      );
    }
    if (mine >= this.limits.perOwner) {
      this.counts.refused += 1;
      this.changed();
      return Promise.reject(
        new KernelQueueError(
          "owner_full",
          `This being already has ${this.limits.perOwner} jobs waiting in the ${this.name}, so ${label} was refused: let them finish before asking for more.`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        owner,
        label,
        work,
        controller: new AbortController(),
        enqueuedAt: this.now(),
        resolve: resolve as (value: unknown) => void,
        reject,
        state: "waiting",
        unlisten: () => {},
      };
      const signal = options.signal;
      if (signal) {
        const onAbort = () => this.cancel(job);
        signal.addEventListener("abort", onAbort, { once: true });
        job.unlisten = () => signal.removeEventListener("abort", onAbort);
      }
      const list = this.waiting.get(owner);
      if (list) list.push(job);
      else {
        this.waiting.set(owner, [job]);
        if (!this.ring.includes(owner)) this.ring.push(owner);
      }
      this.waitingCount += 1;
      this.pump();
      this.changed();
    });
  }

  /** Cancels every waiting and running job of `owner` (a being that stopped); answers how many. */
  cancelOwner(owner: string): number {
    const jobs = [...(this.waiting.get(owner) ?? []), ...[...this.running].filter((j) => j.owner === owner)];
    for (const job of jobs) this.cancel(job);
    return jobs.length;
  }

  stats(): KernelQueueStats {
    const owners: Record<string, { waiting: number; running: number }> = {};
    for (const [owner, list] of this.waiting) owners[owner] = { waiting: list.length, running: 0 };
    for (const job of this.running) (owners[job.owner] ??= { waiting: 0, running: 0 }).running += 1;
    const sorted = [...this.waits].sort((a, b) => a - b);
    return {
      name: this.name,
      depth: this.waitingCount,
      running: this.running.size,
      concurrency: this.limits.concurrency,
      capacity: this.limits.capacity,
      ...this.counts,
      owners,
      waitP50Ms: sorted.length === 0 ? null : Math.round(sorted[Math.floor((sorted.length - 1) / 2)]!),
    };
  }

  /** Calls `cb` after every change (a job queued, started, ended). Returns the unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Idempotent: cancels everything and refuses new jobs. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const list of [...this.waiting.values()]) for (const job of [...list]) this.cancel(job);
    for (const job of [...this.running]) this.cancel(job);
    this.listeners.clear();
  }

  private cancelledError(label: string): KernelQueueError {
    return new KernelQueueError("cancelled", `${label[0]?.toUpperCase() ?? ""}${label.slice(1)} was cancelled before it finished.`);
  }

  private cancel(job: Job): void {
    if (job.state === "ended") return;
    if (job.state === "waiting") this.removeWaiting(job);
    // NOTE: a running job's slot stays taken until its work settles: work that ignores the signal must not push the queue past its limit.
    else job.controller.abort(this.cancelledError(job.label));
    this.end(job, "cancelled");
    job.reject(this.cancelledError(job.label));
    this.changed();
  }

  private removeWaiting(job: Job): void {
    const list = this.waiting.get(job.owner);
    if (!list) return;
    const at = list.indexOf(job);
    if (at < 0) return;
    list.splice(at, 1);
    this.waitingCount -= 1;
    if (list.length === 0) this.waiting.delete(job.owner);
  }

  private end(job: Job, how: "done" | "failed" | "cancelled"): void {
    job.state = "ended";
    job.unlisten();
    this.counts[how] += 1;
  }

  /** The next job, round-robin over owners with waiting jobs, starting after the one served last. */
  private next(): Job | undefined {
    if (this.waitingCount === 0) return undefined;
    const from = this.lastServed === null ? 0 : this.ring.indexOf(this.lastServed) + 1;
    let owner: string | undefined;
    for (let k = 0; k < this.ring.length && owner === undefined; k++) {
      const candidate = this.ring[(from + k) % this.ring.length]!;
      if (this.waiting.has(candidate)) owner = candidate;
    }
    if (owner === undefined) return undefined;
    const job = this.waiting.get(owner)![0]!;
    this.removeWaiting(job);
    this.lastServed = owner;
    // Owners without waiting work leave the ring (the one just served keeps its place, so the next turn starts after it).
    for (let i = this.ring.length - 1; i >= 0; i--) if (this.ring[i] !== owner && !this.waiting.has(this.ring[i]!)) this.ring.splice(i, 1);
    return job;
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.limits.concurrency) {
      const job = this.next();
      if (!job) return;
      job.state = "running";
      this.running.add(job);
      this.waits.push(this.now() - job.enqueuedAt);
      if (this.waits.length > WAIT_SAMPLES) this.waits.shift();
      let started: Promise<unknown>;
      try {
        started = job.work(job.controller.signal);
      } catch (error) {
        started = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      started.then(
        (value) => this.settle(job, true, value),
        (error: unknown) => this.settle(job, false, error),
      );
    }
  }

  private settle(job: Job, ok: boolean, value: unknown): void {
    this.running.delete(job);
    if (job.state !== "ended") {
      this.end(job, ok ? "done" : "failed");
      if (ok) job.resolve(value);
      else job.reject(value);
    }
    this.pump();
    this.changed();
  }

  private changed(): void {
    for (const cb of this.listeners) cb();
  }
}

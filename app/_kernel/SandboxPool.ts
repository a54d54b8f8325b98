"use client";
/**
 * The CPU queue's sandbox workers: at most `size` of them, each bound to the being it last ran, plus one
 * spare loaded ahead of need. A being's next run goes to its own sandbox (warm); a being with none takes
 * the spare (warm too) or a cold one. A sandbox is never handed from one being to another: Python's
 * modules outlive a call, so a hostile being could leave a trap in the interpreter for the next one.
 * Its worker is closed instead, and the slot gets a fresh sandbox.
 */
import type { Runnable } from "../../lib/sandbox/protocol";
import type { CallOptions, CallOutcome, Sandbox } from "../../workers/sandbox/createSandbox";

interface Slot {
  sandbox: Sandbox;
  /** The being this sandbox runs code for (a spare has none yet). */
  owner: string;
  busy: boolean;
}

/** Which being a sandbox acts for; a spare's is filled in when it is taken. */
interface Binding {
  owner: string;
}

interface Spare {
  sandbox: Sandbox;
  binding: Binding;
  /** Settles when Pyodide has loaded in it (false if it failed). */
  ready: Promise<boolean>;
  loaded: boolean;
}

export interface SandboxPoolStats {
  readonly size: number;
  /** Sandboxes bound to beings, and how many of them run a call now. */
  readonly sandboxes: number;
  readonly busy: number;
  /** The spare: `ready` (Pyodide loaded, waiting), `loading`, or `none`. */
  readonly spare: "ready" | "loading" | "none";
  /** Runs that had to start a sandbox from nothing, and runs that found one loaded. */
  readonly coldStarts: number;
  readonly warmStarts: number;
}

/** Makes a sandbox whose `execution`/`summon` act for the being `owner()` names at the time of the request. */
export type MakeSandbox = (owner: () => string) => Sandbox;

/** Delay before a used spare is replaced: the run that took it goes first. */
const SPARE_REFILL_MS = 250;

export class SandboxPool {
  private readonly slots: Slot[] = [];
  private spare: Spare | null = null;
  private wantSpare = false;
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  private counts = { coldStarts: 0, warmStarts: 0 };
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly makeSandbox: MakeSandbox,
    private readonly changed: () => void,
  ) {}

  /** Keeps one sandbox loaded and unbound from now on, so the next being's first run starts warm. */
  prewarm(): void {
    this.wantSpare = true;
    this.refill();
  }

  /**
   * Runs `being` for `owner` on a sandbox of its own. The caller (the CPU queue) runs at most `size` at once.
   * An abort closes the sandbox (Python cannot be trusted to stop) and the run answers a failure.
   */
  async run(owner: string, being: Runnable, options: CallOptions, signal: AbortSignal): Promise<CallOutcome> {
    signal.throwIfAborted();
    const slot = this.acquire(owner);
    slot.busy = true;
    this.changed();
    const onAbort = () => slot.sandbox.close();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (slot.sandbox.state === "ready") this.counts.warmStarts += 1;
      else this.counts.coldStarts += 1;
      return await slot.sandbox.call(being, options);
    } finally {
      signal.removeEventListener("abort", onAbort);
      slot.busy = false;
      // A closed sandbox (cancelled run) leaves the pool; the being's next run gets a fresh one.
      if (slot.sandbox.state === "closed") this.slots.splice(this.slots.indexOf(slot), 1);
      this.changed();
      if (this.wantSpare && !this.spare) this.scheduleRefill();
    }
  }

  stats(): SandboxPoolStats {
    return {
      size: this.size,
      sandboxes: this.slots.length,
      busy: this.slots.filter((s) => s.busy).length,
      spare: this.spare === null ? "none" : this.spare.loaded ? "ready" : "loading",
      ...this.counts,
    };
  }

  /** Waits until the spare is loaded (true), or answers false when there is none or it failed. */
  async spareReady(): Promise<boolean> {
    return (await this.spare?.ready) ?? false;
  }

  /** Closes every sandbox of `owner` that is not running (a being that stopped frees its memory). */
  release(owner: string): void {
    for (const slot of [...this.slots]) {
      if (slot.owner !== owner || slot.busy) continue;
      slot.sandbox.close();
      this.slots.splice(this.slots.indexOf(slot), 1);
    }
    this.changed();
  }

  /** Idempotent: ends every sandbox worker. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.refillTimer);
    for (const slot of this.slots) slot.sandbox.close();
    this.slots.length = 0;
    this.spare?.sandbox.close();
    this.spare = null;
  }

  private acquire(owner: string): Slot {
    const own = this.slots.find((s) => s.owner === owner && !s.busy);
    if (own) return own;
    if (this.slots.length >= this.size) {
      // NOTE: the CPU queue runs at most `size` at once, so when the pool is full one slot is idle: its sandbox goes, not to another being.
      const idle = this.slots.find((s) => !s.busy);
      if (!idle) throw new Error("The sandbox pool has no free sandbox although the CPU queue said one was free: this is a bug; reload the page.");
      idle.sandbox.close();
      this.slots.splice(this.slots.indexOf(idle), 1);
    }
    const slot: Slot = { sandbox: this.fresh(owner), owner, busy: false };
    this.slots.push(slot);
    return slot;
  }

  /** The spare, bound to `owner` now, or a new sandbox. */
  private fresh(owner: string): Sandbox {
    const spare = this.spare;
    this.spare = null;
    if (spare && spare.sandbox.state !== "dead" && spare.sandbox.state !== "closed") {
      spare.binding.owner = owner;
      return spare.sandbox;
    }
    spare?.sandbox.close();
    const binding: Binding = { owner };
    return this.makeSandbox(() => binding.owner);
  }

  private scheduleRefill(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => this.refill(), SPARE_REFILL_MS);
  }

  private refill(): void {
    if (this.closed || this.spare || !this.wantSpare) return;
    const binding: Binding = { owner: "" };
    const sandbox = this.makeSandbox(() => binding.owner);
    const spare: Spare = {
      sandbox,
      binding,
      loaded: false,
      ready: sandbox.warm().then(
        () => {
          spare.loaded = true;
          this.changed();
          return true;
        },
        () => {
          // NOTE: a spare that cannot load is dropped; the next run starts its own sandbox and reports why it failed.
          if (this.spare === spare) this.spare = null;
          this.changed();
          return false;
        },
      ),
    };
    this.spare = spare;
    this.changed();
  }
}

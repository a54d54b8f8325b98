"use client";
/**
 * The tab's kernel (seed 001): an I/O queue (master calls, being-to-being CALLs, room deliveries) and a
 * CPU queue (Python runs on a small pool of sandbox workers), each a being (IOQueue, CPUQueue) whose
 * depth the page shows live. Every being worker in the tab reaches it through its own MessagePort
 * (workers/being/kernelPort.ts); the page's own runs (the Genesis panel's Run) go through it too.
 *
 * NOTE: one kernel per tab, on the page, rather than one per being worker: fairness and a shared pool
 * need one place that sees every being's work, and the page already owns the workers.
 */
import { coreSoul } from "../../lib/coreBeings";
import { KernelQueue, type KernelQueueStats } from "../../lib/kernel/KernelQueue";
import {
  CPU_POOL_SIZE,
  CPU_QUEUE_CAPACITY,
  CPU_QUEUE_PER_OWNER,
  IO_CONCURRENCY,
  IO_QUEUE_CAPACITY,
  IO_QUEUE_PER_OWNER,
  KERNEL_STATS_PUSH_MS,
} from "../../lib/kernel/constants";
import type { Runnable } from "../../lib/sandbox/protocol";
import { masterMutation, masterRead } from "../../workers/being/masterFetch";
import type { BeingMasterPath, FunctionCallRequest, KernelForBeings, PythonRunOptions } from "../../workers/being/kernelPort";
import { createSandbox, type CallOutcome, type Sandbox } from "../../workers/sandbox/createSandbox";
import { createMasterHost, fetchRunnable } from "../../workers/sandbox/masterHost";
import { SandboxPool, type MakeSandbox, type SandboxPoolStats } from "./SandboxPool";

/** The two queue beings at the master (migration 0009). */
export const IO_QUEUE_SOUL = coreSoul("IOQueue");
export const CPU_QUEUE_SOUL = coreSoul("CPUQueue");

export interface KernelStats {
  readonly io: KernelQueueStats;
  readonly cpu: KernelQueueStats & { readonly pool: SandboxPoolStats };
}

/** The master calls the kernel makes for beings (tests pass their own). */
export interface KernelMaster {
  read(path: string, input: unknown, signal: AbortSignal, traceparent?: string): Promise<unknown>;
  mutation(path: string, input: unknown, signal: AbortSignal, traceparent?: string): Promise<unknown>;
  runnable(soul: string): Promise<Runnable>;
}

const MASTER: KernelMaster = { read: masterRead, mutation: masterMutation, runnable: fetchRunnable };

export class Kernel implements KernelForBeings {
  readonly io = new KernelQueue("I/O queue", { concurrency: IO_CONCURRENCY, capacity: IO_QUEUE_CAPACITY, perOwner: IO_QUEUE_PER_OWNER });
  readonly cpu = new KernelQueue("CPU queue", { concurrency: CPU_POOL_SIZE, capacity: CPU_QUEUE_CAPACITY, perOwner: CPU_QUEUE_PER_OWNER });
  readonly pool: SandboxPool;
  private readonly listeners = new Set<() => void>();
  private pushTimer: ReturnType<typeof setTimeout> | undefined;
  private cached: KernelStats | null = null;

  constructor(
    private readonly calls: KernelMaster = MASTER,
    makeSandbox?: MakeSandbox,
  ) {
    this.pool = new SandboxPool(CPU_POOL_SIZE, makeSandbox ?? ((owner) => this.sandboxFor(owner)), () => this.changed());
    this.io.onChange(() => this.changed());
    this.cpu.onChange(() => this.changed());
  }

  /** A pool sandbox whose `execution` and `summon` wait in the I/O queue as the being it runs for. */
  private sandboxFor(owner: () => string): Sandbox {
    const host = createMasterHost();
    return createSandbox({
      host: {
        resolve: (soul, caller) => this.io.submit(owner(), () => this.calls.runnable(soul), { label: `execution("${soul}") from ${caller}` }),
        summon: (caller, spec) => this.io.submit(owner(), () => host.summon(caller, spec), { label: `summon("${spec.name}")` }),
      },
    });
  }

  /** Runs Python for `owner` in the CPU queue: on its own pool sandbox when its turn comes. */
  runPython(owner: string, being: Runnable, options: PythonRunOptions, signal: AbortSignal, label = "a Python run"): Promise<CallOutcome> {
    return this.cpu.submit(owner, (s) => this.pool.run(owner, being, options, s), { signal, label });
  }

  /** Calls a function being for `owner`: its code from the master (I/O queue), then its run (CPU queue). */
  async callFunction(owner: string, request: FunctionCallRequest, signal: AbortSignal): Promise<CallOutcome> {
    const being = await this.io.submit(owner, () => this.calls.runnable(request.soul), { signal, label: `reading ${request.soul}` });
    const runnable = request.source === undefined ? being : { ...being, source: request.source };
    const options = { ...(request.kwargs && { kwargs: request.kwargs }), ...(request.timeLimitMs && { timeLimitMs: request.timeLimitMs }) };
    return this.runPython(owner, runnable, options, signal, `a call of ${being.name}`);
  }

  /** A master call for `owner` in the I/O queue. */
  master(owner: string, kind: "read" | "mutation", path: BeingMasterPath, input: unknown, signal: AbortSignal, traceparent?: string): Promise<unknown> {
    return this.io.submit(owner, (s) => (kind === "read" ? this.calls.read(path, input, s, traceparent) : this.calls.mutation(path, input, s, traceparent)), {
      signal,
      label: path,
    });
  }

  /** Any other I/O for `owner` (a CALL to another being, a room delivery), within `timeoutMs` from now, waiting included. */
  async ioWork<T>(owner: string, label: string, work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      return await this.io.submit(owner, work, { signal: both, label });
    } catch (error) {
      if (deadline.aborted) throw new Error(`${label} did not finish within ${timeoutMs} ms (waiting in the I/O queue included)`);
      throw error;
    }
  }

  /** Cancels what `owner` has queued or running, and frees its sandbox (its worker ended). */
  forget(owner: string): void {
    this.io.cancelOwner(owner);
    this.cpu.cancelOwner(owner);
    this.pool.release(owner);
  }

  /** Keeps one sandbox loaded ahead of need (a page that may run Python calls this when it opens). */
  prewarm(): void {
    this.pool.prewarm();
  }

  stats(): KernelStats {
    this.cached ??= { io: this.io.stats(), cpu: { ...this.cpu.stats(), pool: this.pool.stats() } };
    return this.cached;
  }

  /** Calls `cb` when the numbers change, at most every KERNEL_STATS_PUSH_MS. Returns the unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  close(): void {
    clearTimeout(this.pushTimer);
    this.io.close();
    this.cpu.close();
    this.pool.close();
    this.listeners.clear();
  }

  private changed(): void {
    this.pushTimer ??= setTimeout(() => {
      this.pushTimer = undefined;
      this.cached = null;
      for (const cb of this.listeners) cb();
    }, KERNEL_STATS_PUSH_MS);
  }
}

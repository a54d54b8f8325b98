"use client";
/**
 * The page side of the swarm: one dedicated Web Worker per being, a Web Lock per being so it runs
 * in one tab only, a heartbeat watchdog, the set of running beings kept in localStorage so they
 * come back after a reload or a browser restart, and the master record kept current.
 */
import { proxy, transfer, wrap, type Remote } from "comlink";
import type { BeingRecord, BeingStatus, BeingWorkerApi, BeingWorkerEvent, GoalEnded, InitMode, MicroWorldSummary } from "../../workers/being/api";
import { DEFAULT_BUDGET, HEARTBEAT_MS, HUNG_AFTER_MS, RECORD_UPDATE_MS, WORKER_BOOT_TIMEOUT_MS } from "../../workers/being/constants";
import { serveKernelPort, type KernelForBeings } from "../../workers/being/kernelPort";
import { serveLlmPort } from "../../workers/being/llmPort";
import { getLlmWorker } from "../../workers/llm/getLlmWorker";
import { loadSwarmEntries, saveSwarmEntries, type Desired, type SwarmEntry } from "./swarmStorage";

/** What the host knows of a being: `elsewhere` means another tab holds its lock. */
export type BeingPhase = "starting" | "running" | "paused" | "halted" | "stopped" | "crashed" | "error" | "elsewhere";

export interface SwarmBeing {
  readonly soul: string;
  readonly name: string;
  readonly record: BeingRecord;
  readonly phase: BeingPhase;
  readonly desired: Desired;
  readonly status: BeingStatus | null;
  /** Why it is crashed or in error, in words. */
  readonly problem: string | null;
  /** The last failed update of the master record, if the latest one failed. */
  readonly syncProblem: string | null;
  /** Milliseconds from spawn/start to the first status from a running worker. */
  readonly readyMs: number | null;
  /** Where readyMs went: getting a worker, subscribing, init (open + restore), start (first tick). */
  readonly readySteps: { readonly worker: number; readonly subscribe: number; readonly init: number; readonly start: number } | null;
}

export interface SpawnInput {
  readonly name: string;
  readonly personality: string;
  readonly goal: string;
  readonly reasoner: BeingRecord["reasoner"];
  readonly budget?: number;
  readonly periods?: BeingRecord["periods"];
  /** The branch to genesis the being in (a fan-out variant's); the app's current branch when absent. */
  readonly branch?: string;
  /** More attributes for its master record (a fan-out variant's program and task). */
  readonly attributes?: Record<string, unknown>;
  /** More tags for its master record. */
  readonly tags?: readonly string[];
}

/** The master API the host needs (a subset of the tRPC client, so tests and benches can pass their own). */
export interface MasterApi {
  createBeing(input: {
    genesis: Record<string, string>;
    attributes: Record<string, unknown>;
    energy_level: number;
    tags: string[];
    branch?: string;
  }): Promise<{ soul: string }>;
  updateBeing(input: { soul: string; energy_level: number; self_awareness: Record<string, string | number | null>; branch?: string }): Promise<unknown>;
}

/** Told when a goal of a being running in this tab ends (see `SwarmHost.onGoal`). */
export type GoalListener = (soul: string, ended: GoalEnded) => void;

export class SwarmError extends Error {
  override readonly name = "SwarmError";
  constructor(
    readonly reason: "unknown_being" | "elsewhere" | "closed",
    message: string,
  ) {
    super(message);
  }
}

interface Live {
  worker: Worker;
  api: Remote<BeingWorkerApi>;
  lastSeen: number;
  startedAt: number;
  /** Ends the being's port to the tab's LLM worker (WebLLM beings only). */
  closeLlm: (() => void) | null;
  /** Ends the being's port to the tab's kernel (and cancels what it has queued there). */
  closeKernel: (() => void) | null;
  /** Rejects when the worker fails (a script error) or is ended: a start-up step waiting on it stops waiting. */
  gone: Promise<never>;
  end: (reason: string) => void;
}

/** A worker loading sqlite-wasm; `ready` rejects, with words a person can act on, if it fails or takes too long. */
interface Booting {
  worker: Worker;
  api: Remote<BeingWorkerApi>;
  ready: Promise<void>;
}

interface Slot {
  being: SwarmBeing;
  live: Live | null;
  releaseLock: (() => void) | null;
  waitForLock: AbortController | null;
  lastRecordUpdate: number;
}

/** A new spare worker is made this long after one is taken: after the start it serves, not during it. */
const SPARE_DELAY_MS = 50;

const lockName = (soul: string) => `luxos-being-${soul}`;

function newWorker(): Worker {
  return new Worker(new URL("../../workers/being/being.worker.ts", import.meta.url), { type: "module", name: "being" });
}

/**
 * Starts a worker and has it load sqlite-wasm. A worker whose script fails never answers comlink, so
 * `ready` also listens for its `error` event and gives up after WORKER_BOOT_TIMEOUT_MS; either way the
 * worker is terminated.
 */
function bootWorker(makeWorker: () => Worker): Booting {
  const worker = makeWorker();
  const api = wrap<BeingWorkerApi>(worker);
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      worker.removeEventListener("error", onError);
      worker.terminate();
      reject(new Error(message));
    };
    const onError = (event: ErrorEvent) => {
      event.preventDefault();
      fail(`A being worker failed to load (${event.message || "a script error"}). Reload the page; if it keeps failing, the app's build is broken.`);
    };
    const timer = setTimeout(
      () =>
        fail(
          `A being worker did not load sqlite-wasm within ${WORKER_BOOT_TIMEOUT_MS / 1000} s. Reload the page; if it keeps happening, this browser may block WebAssembly or workers.`,
        ),
      WORKER_BOOT_TIMEOUT_MS,
    );
    worker.addEventListener("error", onError);
    api.warm().then(
      () => {
        clearTimeout(timer);
        worker.removeEventListener("error", onError);
        resolve();
      },
      (error: unknown) => fail(`A being worker could not load sqlite-wasm: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
  // NOTE: a spare's failure is read when it is taken (or never); it must not count as unhandled meanwhile.
  ready.catch(() => {});
  return { worker, api, ready };
}

export class SwarmHost {
  private readonly slots = new Map<string, Slot>();
  private readonly listeners = new Set<() => void>();
  private readonly goalListeners = new Set<GoalListener>();
  /** Why the last being worker failed to boot, until one boots again; the swarm page shows it. */
  private bootProblem: string | null = null;
  private snapshot: readonly SwarmBeing[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private closed = false;
  /** One worker started ahead with sqlite-wasm loaded: a spawn or start takes it instead of waiting for a cold one. */
  private spare: Booting | null = null;

  private constructor(
    private readonly master: MasterApi,
    /** Makes a being worker (tests and benches pass their own). */
    private readonly makeWorker: () => Worker = newWorker,
    /** The tab's kernel: each being's worker gets a port to it (RUN python, function calls, Lux master calls). */
    readonly kernel: KernelForBeings | null = null,
  ) {
    this.watchdog = setInterval(() => this.watch(), HEARTBEAT_MS);
  }

  /** A host with the beings this browser ran last time, started again where they were running. */
  static async create(master: MasterApi, makeWorker: () => Worker = newWorker, kernel: KernelForBeings | null = null): Promise<SwarmHost> {
    const host = new SwarmHost(master, makeWorker, kernel);
    // NOTE: asked for once per page; the browser may say no, and then OPFS data can be evicted under storage pressure.
    void navigator.storage?.persist?.().catch(() => false);
    for (const entry of loadSwarmEntries()) host.slots.set(entry.record.soul, host.newSlot(entry.record, entry.desired));
    host.changed(true);
    host.prepareSpare();
    await Promise.all([...host.slots.values()].filter((s) => s.being.desired !== "stopped").map((s) => host.launch(s.being.soul)));
    return host;
  }

  private newSlot(record: BeingRecord, desired: Desired): Slot {
    return {
      being: {
        soul: record.soul,
        name: record.name,
        record,
        phase: "stopped",
        desired,
        status: null,
        problem: null,
        syncProblem: null,
        readyMs: null,
        readySteps: null,
      },
      live: null,
      releaseLock: null,
      waitForLock: null,
      lastRecordUpdate: 0,
    };
  }

  // ------------------------------------------------------------ reading

  /** The beings, in spawn order; a new array after every change (for useSyncExternalStore). */
  list(): readonly SwarmBeing[] {
    return this.snapshot;
  }

  get(soul: string): SwarmBeing | undefined {
    return this.slots.get(soul)?.being;
  }

  /** Calls `cb` after changes (at most a few times a second). Returns the unsubscribe. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /**
   * Calls `cb` each time a goal of a being running in this tab ends (achieved or abandoned), as its
   * worker says so. Returns the unsubscribe.
   */
  onGoal(cb: GoalListener): () => void {
    this.goalListeners.add(cb);
    return () => this.goalListeners.delete(cb);
  }

  /** Why being workers cannot boot in this tab (the last one failed or was too slow to load), or null. */
  problem(): string | null {
    return this.bootProblem;
  }

  /** The running worker of a being in this tab, if any. */
  workerApi(soul: string): Remote<BeingWorkerApi> | null {
    return this.slots.get(soul)?.live?.api ?? null;
  }

  // ------------------------------------------------------------ lifecycle

  /** Creates the being's master record, then starts its worker. Answers its soul. */
  async spawn(input: SpawnInput): Promise<string> {
    this.assertOpen();
    const budget = input.budget ?? DEFAULT_BUDGET;
    const periods = { reflex: 50, situation: 500, supervision: 5000, ...input.periods };
    const { soul } = await this.master.createBeing({
      genesis: { name: input.name, type: "agent", personality: input.personality, goal: input.goal, program: input.goal },
      attributes: { ...input.attributes, tick_rates_ms: periods, budget, reasoner: input.reasoner },
      energy_level: budget,
      tags: ["swarm", ...(input.tags ?? [])],
      ...(input.branch !== undefined && { branch: input.branch }),
    });
    const record: BeingRecord = {
      soul,
      name: input.name,
      personality: input.personality,
      goal: input.goal,
      reasoner: input.reasoner,
      budget,
      periods,
      ...(input.branch !== undefined && { branch: input.branch }),
    };
    this.slots.set(soul, this.newSlot(record, "running"));
    this.persist();
    await this.launch(soul);
    return soul;
  }

  /** Starts a stopped, crashed or errored being (its micro-world and mind carry on). */
  async start(soul: string): Promise<void> {
    const slot = this.slot(soul);
    this.setDesired(slot, "running");
    if (slot.live) await this.kill(slot, "stopped");
    await this.launch(soul);
  }

  /** The Restart button of a crashed or hung being. */
  restart(soul: string): Promise<void> {
    return this.start(soul);
  }

  async pause(soul: string): Promise<void> {
    const slot = this.slot(soul);
    this.setDesired(slot, "paused");
    if (slot.live) this.onStatus(slot, await slot.live.api.pause());
  }

  async resume(soul: string): Promise<void> {
    const slot = this.slot(soul);
    this.setDesired(slot, "running");
    if (slot.live) this.onStatus(slot, await slot.live.api.resume());
    else await this.launch(soul);
  }

  /** Raises (or cuts) the being's Tiki limit; a halted being runs again. */
  async setBudget(soul: string, limit: number): Promise<void> {
    const slot = this.slot(soul);
    if (!slot.live) throw new SwarmError("unknown_being", "Start the being first: only a running worker can take a new budget.");
    const answer = await slot.live.api.send({ kind: "budget_update", limit });
    if (!answer.ok) throw new Error(answer.error ?? "the budget was refused");
  }

  /** Stops gracefully: the worker saves its mind and closes its database, then goes; the lock is released. */
  async stop(soul: string): Promise<void> {
    const slot = this.slot(soul);
    this.setDesired(slot, "stopped");
    slot.waitForLock?.abort();
    slot.waitForLock = null;
    if (slot.live) {
      try {
        await withTimeout(slot.live.api.stop(), HUNG_AFTER_MS, "the worker did not stop in time");
      } catch {
        // NOTE: a worker that cannot stop is terminated anyway; its last snapshot is at most SNAPSHOT_MS old.
      }
    }
    await this.kill(slot, "stopped");
  }

  /** Ends the worker at once, without letting it save (what a crash would do); the being stays stopped. */
  async terminate(soul: string): Promise<void> {
    const slot = this.slot(soul);
    this.setDesired(slot, "stopped");
    slot.waitForLock?.abort();
    await this.kill(slot, "stopped");
  }

  /** Stops the being here and forgets it in this browser (its master record and micro-world stay). */
  async forget(soul: string): Promise<void> {
    await this.stop(soul);
    this.slots.delete(soul);
    this.persist();
    this.changed(true);
  }

  /**
   * A worker that opened the being's micro-world without running it, to browse a being that is
   * not running in this tab. The caller closes it with the returned function.
   */
  async inspect(record: BeingRecord): Promise<{ api: Remote<BeingWorkerApi>; close: () => void }> {
    const worker = this.makeWorker();
    const api = wrap<BeingWorkerApi>(worker);
    try {
      await api.init(record, "inspect" satisfies InitMode);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return { api, close: () => worker.terminate() };
  }

  // ------------------------------------------------------------ migration (seed 000)

  /**
   * Takes in a being that came from a being file: its micro-world is already in OPFS (`importMicroWorld`), so it
   * starts here and resumes with its memories and facts. A being the swarm knows already is just started.
   */
  async adopt(record: BeingRecord): Promise<void> {
    this.assertOpen();
    if (!this.slots.has(record.soul)) {
      this.slots.set(record.soul, this.newSlot(record, "running"));
      this.persist();
      this.changed(true);
    }
    await this.start(record.soul);
  }

  /** The being's micro-world as one SQLite image, from its running worker or from OPFS; null when this browser has none. */
  async exportMicroWorld(soul: string): Promise<Uint8Array | null> {
    const live = this.slots.get(soul)?.live;
    if (live) return live.api.exportMicroWorld(soul);
    return this.withScratchWorker((api) => api.exportMicroWorld(soul));
  }

  /** Checks an image from a being file (header, integrity, schema) in a scratch worker; throws what is wrong. */
  checkMicroWorld(image: Uint8Array): Promise<MicroWorldSummary> {
    return this.withScratchWorker((api) => api.checkMicroWorld(transfer(image, [image.buffer])));
  }

  /** Writes an image as the micro-world of `soul` in this browser's OPFS (never over one that exists). */
  importMicroWorld(soul: string, image: Uint8Array): Promise<MicroWorldSummary> {
    return this.withScratchWorker((api) => api.importMicroWorld(soul, transfer(image, [image.buffer])));
  }

  /** A worker for one job that needs no being (reading or writing a micro-world file), ended afterwards. */
  private async withScratchWorker<T>(job: (api: Remote<BeingWorkerApi>) => Promise<T>): Promise<T> {
    this.assertOpen();
    // NOTE: booted like any being worker, so a worker that cannot load fails in words instead of never answering.
    const { worker, api, ready } = bootWorker(this.makeWorker);
    try {
      await ready;
      return await job(api);
    } finally {
      worker.terminate();
    }
  }

  /** Stops watching and ends every worker here (their locks go with them). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.flushTimer);
    this.spare?.worker.terminate();
    this.spare = null;
    for (const slot of this.slots.values()) {
      slot.waitForLock?.abort();
      slot.live?.end("the swarm host closed");
      slot.live?.closeLlm?.();
      slot.live?.closeKernel?.();
      slot.live?.worker.terminate();
      slot.live = null;
      slot.releaseLock?.();
      slot.releaseLock = null;
    }
    this.listeners.clear();
    this.goalListeners.clear();
  }

  // ------------------------------------------------------------ test hook

  /** Kills a worker behind the host's back, as a crash would (test hook only). */
  simulateCrash(soul: string): boolean {
    const live = this.slots.get(soul)?.live;
    live?.worker.terminate();
    return live !== undefined && live !== null;
  }

  /**
   * `hashEmbed` of each text computed in a fresh being worker, as plain numbers (test hook only:
   * the e2e compares them with Node's, bit for bit).
   */
  async embedInWorker(texts: readonly string[]): Promise<number[][]> {
    const worker = this.makeWorker();
    try {
      const vectors = await wrap<BeingWorkerApi>(worker).embed(texts);
      return vectors.map((v) => Array.from(v));
    } finally {
      worker.terminate();
    }
  }

  liveWorkers(): number {
    return [...this.slots.values()].filter((s) => s.live).length;
  }

  holdsLock(soul: string): boolean {
    return this.slots.get(soul)?.releaseLock != null;
  }

  // ------------------------------------------------------------ internals

  private slot(soul: string): Slot {
    this.assertOpen();
    const slot = this.slots.get(soul);
    if (!slot) throw new SwarmError("unknown_being", `No being ${soul} in this browser's swarm; spawn it first.`);
    return slot;
  }

  private assertOpen(): void {
    if (this.closed) throw new SwarmError("closed", "The swarm host is closed; reload the page.");
  }

  private setDesired(slot: Slot, desired: Desired): void {
    this.update(slot, { desired });
    this.persist();
  }

  private update(slot: Slot, patch: Partial<SwarmBeing>, now = false): void {
    slot.being = { ...slot.being, ...patch };
    this.changed(now);
  }

  private persist(): void {
    const entries: SwarmEntry[] = [...this.slots.values()].map((s) => ({ record: s.being.record, desired: s.being.desired }));
    saveSwarmEntries(entries);
  }

  /** Takes the being's lock (or waits for it, showing `elsewhere`), then starts its worker. */
  private async launch(soul: string): Promise<void> {
    const slot = this.slot(soul);
    if (slot.live) return;
    if (!slot.releaseLock) {
      const got = await this.tryLock(slot);
      if (!got) {
        this.update(slot, { phase: "elsewhere", problem: null, status: null }, true);
        this.waitForLock(slot);
        return;
      }
    }
    await this.startWorker(slot);
  }

  private tryLock(slot: Slot): Promise<boolean> {
    return new Promise((resolve) => {
      navigator.locks
        .request(lockName(slot.being.soul), { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolve(false);
            return;
          }
          resolve(true);
          // NOTE: the lock is held until this promise settles: by stop/terminate here, or by the browser when the tab goes.
          return new Promise<void>((release) => {
            slot.releaseLock = release;
          });
        })
        .catch(() => resolve(false));
    });
  }

  /** Queues for the lock; when the other tab lets go, the being starts here. */
  private waitForLock(slot: Slot): void {
    if (slot.waitForLock) return;
    const controller = new AbortController();
    slot.waitForLock = controller;
    navigator.locks
      .request(lockName(slot.being.soul), { signal: controller.signal }, () => {
        slot.waitForLock = null;
        return new Promise<void>((release) => {
          slot.releaseLock = release;
          // NOTE: the other tab may have stopped it before letting go; what it stored wins over what this tab read at load.
          const stored = loadSwarmEntries().find((e) => e.record.soul === slot.being.soul)?.desired;
          if (stored) this.update(slot, { desired: stored });
          if (this.closed || slot.being.desired === "stopped") {
            this.update(slot, { phase: "stopped" }, true);
            slot.releaseLock = null;
            release();
            return;
          }
          void this.startWorker(slot);
        });
      })
      .catch(() => {
        slot.waitForLock = null;
      });
  }

  /** Makes the next spare worker (once the page is idle, so it never competes with a start). */
  private prepareSpare(): void {
    if (this.closed || this.spare) return;
    const spare = bootWorker(this.makeWorker);
    this.spare = spare;
    // NOTE: a spare that fails is dropped and not replaced (that could loop); the page shows why, and the next start boots a fresh worker.
    spare.ready.then(
      () => this.setBootProblem(null),
      (error: unknown) => {
        if (this.spare === spare) this.spare = null;
        this.setBootProblem(messageOf(error));
      },
    );
  }

  /** The spare (once it has loaded), or else a fresh worker; rejects when neither boots. */
  private async takeWorker(): Promise<{ worker: Worker; api: Remote<BeingWorkerApi> }> {
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      try {
        await spare.ready;
        setTimeout(() => this.prepareSpare(), SPARE_DELAY_MS);
        return spare;
      } catch (error) {
        this.setBootProblem(messageOf(error));
      }
    }
    const fresh = bootWorker(this.makeWorker);
    try {
      await fresh.ready;
    } catch (error) {
      this.setBootProblem(messageOf(error));
      throw error;
    }
    this.setBootProblem(null);
    setTimeout(() => this.prepareSpare(), SPARE_DELAY_MS);
    return fresh;
  }

  private setBootProblem(problem: string | null): void {
    if (this.bootProblem === problem) return;
    this.bootProblem = problem;
    this.changed(true);
  }

  private async startWorker(slot: Slot): Promise<void> {
    const began = performance.now();
    this.update(slot, { phase: "starting", problem: null }, true);
    let taken: { worker: Worker; api: Remote<BeingWorkerApi> };
    try {
      taken = await this.takeWorker();
    } catch (error) {
      // NOTE: the lock is kept, as after any failed start: Start tries again with a fresh worker.
      this.update(slot, { phase: "error", problem: messageOf(error) }, true);
      return;
    }
    const { worker, api } = taken;
    if (this.closed) {
      worker.terminate();
      return;
    }
    const t1 = performance.now();
    let end: (reason: string) => void = () => {};
    const gone = new Promise<never>((_, reject) => (end = (reason) => reject(new Error(reason))));
    gone.catch(() => {});
    const live: Live = { worker, api, lastSeen: Date.now(), startedAt: Date.now(), closeLlm: null, closeKernel: null, gone, end };
    slot.live = live;
    worker.addEventListener("error", (event) => this.crashed(slot, live, `the worker failed: ${event.message || "a script error"}`));
    /** A start-up step, abandoned if the worker fails meanwhile (its comlink call would never answer). */
    const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, live.gone]);
    try {
      if (slot.being.record.reasoner === "webllm") live.closeLlm = await step(this.connectLlm(api));
      if (this.kernel) live.closeKernel = await step(this.connectKernel(api, slot.being.soul, this.kernel));
      await step(api.onEvent(proxy((event: BeingWorkerEvent) => this.onWorkerEvent(slot, live, event))));
      const t2 = performance.now();
      await step(api.init(slot.being.record, "run"));
      const t3 = performance.now();
      const status = await step(api.start());
      const t4 = performance.now();
      if (slot.being.desired === "paused") await step(api.pause());
      if (slot.live !== live) return;
      const ms = (a: number, b: number) => Math.round(b - a);
      this.update(slot, { readyMs: ms(began, t4), readySteps: { worker: ms(began, t1), subscribe: ms(t1, t2), init: ms(t2, t3), start: ms(t3, t4) } });
      this.onStatus(slot, status);
    } catch (error) {
      if (slot.live !== live) return;
      const message = messageOf(error);
      await this.kill(slot, "error");
      this.update(slot, { problem: message }, true);
    }
  }

  /**
   * Hands a WebLLM being's worker a port to the tab's one LLM worker (started on first need): ONE
   * engine per tab, shared through its request queue. Answers the function that closes the port.
   */
  private async connectLlm(api: Remote<BeingWorkerApi>): Promise<() => void> {
    const channel = new MessageChannel();
    const close = serveLlmPort(getLlmWorker().api, channel.port1);
    await api.connectLlm(transfer(channel.port2, [channel.port2]));
    return close;
  }

  /** Hands a being's worker a port to the tab's kernel, bound to its soul. Answers the function that closes it. */
  private async connectKernel(api: Remote<BeingWorkerApi>, soul: string, kernel: KernelForBeings): Promise<() => void> {
    const channel = new MessageChannel();
    const close = serveKernelPort(kernel, soul, channel.port1);
    try {
      await api.connectKernel(transfer(channel.port2, [channel.port2]));
    } catch (error) {
      close();
      throw error;
    }
    return close;
  }

  private onWorkerEvent(slot: Slot, live: Live, event: BeingWorkerEvent): void {
    if (slot.live !== live) return;
    live.lastSeen = Date.now();
    if (event.kind === "status") this.onStatus(slot, event.status);
    else if (event.kind === "goal") {
      for (const cb of this.goalListeners) {
        try {
          cb(slot.being.soul, event);
        } catch (error) {
          console.error("a goal listener failed", error);
        }
      }
    }
  }

  private onStatus(slot: Slot, status: BeingStatus): void {
    if (slot.live) slot.live.lastSeen = Date.now();
    const phase: BeingPhase =
      status.state === "error"
        ? "error"
        : status.state === "loading" || status.state === "ready"
          ? "starting"
          : status.state === "stopped"
            ? "stopped"
            : status.state;
    this.update(slot, { status, phase, problem: status.error?.message ?? (phase === "error" ? slot.being.problem : null) });
    this.updateRecord(slot, status);
  }

  /** Keeps the master record current, at most every RECORD_UPDATE_MS per being. */
  private updateRecord(slot: Slot, status: BeingStatus): void {
    const now = Date.now();
    if (now - slot.lastRecordUpdate < RECORD_UPDATE_MS) return;
    slot.lastRecordUpdate = now;
    this.master
      .updateBeing({
        soul: status.soul,
        // NOTE: a being genesis'd in a branch has its record there; the app's current branch may be another.
        ...(slot.being.record.branch !== undefined && { branch: slot.being.record.branch }),
        energy_level: Math.max(0, status.budget.limit - status.budget.spent),
        self_awareness: {
          state: status.state,
          mode: status.mode,
          success_rate: status.successRate,
          last_reflection: status.lastReflection,
          budget_spent: status.budget.spent,
          reasoner: status.reasoner.id,
          updated_at: new Date(now).toISOString(),
        },
      })
      .then(
        () => slot.being.syncProblem !== null && this.update(slot, { syncProblem: null }),
        (error: unknown) =>
          this.update(slot, { syncProblem: `the master record could not be updated: ${error instanceof Error ? error.message : String(error)}` }),
      );
  }

  private watch(): void {
    const now = Date.now();
    for (const slot of this.slots.values()) {
      const live = slot.live;
      if (!live || slot.being.phase === "starting") continue;
      if (now - live.lastSeen > HUNG_AFTER_MS) {
        this.crashed(slot, live, `no heartbeat for ${Math.round((now - live.lastSeen) / 1000)} s: the worker crashed or hangs`);
        continue;
      }
      live.api.heartbeat().then(
        () => {
          live.lastSeen = Date.now();
        },
        () => {},
      );
    }
  }

  private crashed(slot: Slot, live: Live, problem: string): void {
    if (slot.live !== live) return;
    void this.kill(slot, "crashed").then(() => this.update(slot, { problem }, true));
  }

  /** Ends the worker (if any) and releases the lock. */
  private kill(slot: Slot, phase: BeingPhase): Promise<void> {
    slot.live?.end(`the being's worker ended (${phase})`);
    slot.live?.closeLlm?.();
    slot.live?.closeKernel?.();
    slot.live?.worker.terminate();
    slot.live = null;
    slot.releaseLock?.();
    slot.releaseLock = null;
    this.update(slot, { phase }, true);
    return Promise.resolve();
  }

  private changed(now: boolean): void {
    if (now) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flush();
      return;
    }
    // NOTE: statuses arrive 4× a second per being; the page re-renders at most that often for all of them together.
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, 250);
  }

  private flush(): void {
    this.snapshot = [...this.slots.values()].map((s) => s.being);
    for (const cb of this.listeners) cb();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

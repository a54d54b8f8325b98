/**
 * The owner's side of a sandbox: starts the sandbox worker, hands it Pyodide's files, runs one call
 * at a time with a time limit (interrupt, then terminate), answers its blocking `execution` and
 * `summon` requests, and survives anything the sandbox does. Usable from a page or from a being's worker.
 */
import { costOf } from "../../lib/tiki";
import {
  BRIDGE_BYTES,
  DEFAULT_TIME_LIMIT_MS,
  KILL_GRACE_MS,
  LOAD_TIMEOUT_MS,
  MAX_CALL_DEPTH,
  MAX_REQUESTS_PER_RUN,
  MEMORY_LIMIT_BYTES,
  PYODIDE_VERSION,
} from "../../lib/sandbox/constants";
import {
  runMessageSchema,
  sandboxMessageSchema,
  SANDBOX_PROTOCOL_VERSION,
  type BridgeAnswer,
  type Capability,
  type ErrorInfo,
  type InitMessage,
  type Runnable,
  type SandboxRequest,
} from "../../lib/sandbox/protocol";

export const SANDBOX_WORKER_URL = "/sandbox/sandbox.worker.js";

export type SummonSpec = Extract<SandboxRequest, { op: "summon" }>["spec"];

/** What the sandbox may ask its owner for while a call runs. Throw to refuse, with a sentence. */
export interface SandboxHost {
  /** The code, attributes and capabilities of the being `execution(soul)` calls. */
  resolve(soul: string, caller: string): Promise<Runnable>;
  /** Creates a being for `summon(spec)`; answers its soul. `spec.capabilities` is already no wider than the run's. */
  summon(caller: string, spec: SummonSpec & { capabilities: Capability[] }): Promise<string>;
}

export interface SandboxOptions {
  host: SandboxHost;
  /** The server that serves /sandbox/ and /pyodide/ (this origin by default). */
  origin?: string;
  memoryLimitBytes?: number;
  /** Internal: this sandbox exists to make the memory snapshot (see `ensureSnapshot`), and no call ever runs in it. */
  makeSnapshot?: boolean;
}

export interface CallOptions {
  kwargs?: Record<string, unknown>;
  timeLimitMs?: number;
  maxDepth?: number;
}

interface Outcome {
  stdout: string;
  stderr: string;
  /** Wall time of the call as the owner saw it. */
  ms: number;
  /** What the call cost: sandbox time, nested calls and summons. */
  tiki: number;
  /** Every being the call ran, innermost first, with its depth and time. */
  calls: { soul: string; depth: number; ms: number }[];
}

export type CallOutcome = (Outcome & { ok: true; value: unknown }) | (Outcome & { ok: false; error: ErrorInfo });

export type SandboxState = "idle" | "starting" | "ready" | "busy" | "dead" | "closed";

export interface Sandbox {
  readonly state: SandboxState;
  /** Starts the worker and loads Pyodide now; answers the load time in ms. */
  warm(): Promise<number>;
  /** Runs a being's entry point with its attributes merged with `kwargs`. Never throws for the code's failures. */
  call(being: Runnable, options?: CallOptions): Promise<CallOutcome>;
  /** Idempotent: terminates the worker; a pending call fails. */
  close(): void;
}

export class SandboxError extends Error {
  override name = "SandboxError";
  constructor(
    readonly reason: "load_failed" | "closed" | "busy",
    message: string,
  ) {
    super(message);
  }
}

interface Files {
  wasm: WebAssembly.Module;
  stdlib: ArrayBuffer;
  lock: string;
}

const filesCache = new Map<string, Promise<Files>>();

/**
 * Pyodide's files, fetched once per origin and kept, its wasm compiled once: every sandbox started after
 * the first gets them from memory (a compiled module is shared with workers, not copied).
 */
function loadFiles(base: string): Promise<Files> {
  let files = filesCache.get(base);
  if (!files) {
    const get = async (name: string) => {
      const response = await fetch(`${base}${name}`);
      if (!response.ok)
        throw new SandboxError("load_failed", `Could not load ${name} for the Python sandbox (HTTP ${response.status}). Is the LuxOS server running?`);
      return response;
    };
    files = Promise.all([get("pyodide.asm.wasm"), get("python_stdlib.zip"), get("pyodide-lock.json")]).then(async ([w, s, l]) => ({
      wasm: await WebAssembly.compileStreaming(w),
      stdlib: await s.arrayBuffer(),
      lock: await l.text(),
    }));
    files.catch(() => filesCache.delete(base));
    filesCache.set(base, files);
  }
  return files;
}

/**
 * A memory snapshot of a freshly started Pyodide, per Pyodide URL: every sandbox starts from it and skips
 * Python's own start-up (about nine tenths of a load). It is made off the user's path: when a sandbox had to
 * start without one, a throwaway sandbox makes it in the background (`ensureSnapshot`), before any being's
 * code could run in it. It is kept in memory and in Cache Storage, so the next page load of this browser starts
 * from it too; the key names the Pyodide version (in the URL) and the sandbox protocol.
 */
const snapshots = new Map<string, ArrayBuffer>();
/** Where `origin` serves this build's Pyodide: the key of its files and of its snapshot. */
const pyodideBase = (origin: string) => `${origin}/pyodide/v${PYODIDE_VERSION}/`;
/** The snapshot being made now, per Pyodide URL (one at a time), answering whether one was made. */
const making = new Map<string, Promise<boolean>>();
const SNAPSHOT_CACHE = "luxos-pyodide-snapshots";
const snapshotKey = (base: string) => `${base}memory-snapshot?protocol=${SANDBOX_PROTOCOL_VERSION}`;

/** Cache Storage, where this context has it (a secure context; not in every test environment). */
async function snapshotCache(): Promise<Cache | null> {
  try {
    return typeof caches === "undefined" ? null : await caches.open(SNAPSHOT_CACHE);
  } catch {
    return null;
  }
}

/** The snapshot for `base`: from memory, else from Cache Storage (then kept in memory), else null. */
async function loadSnapshot(base: string): Promise<ArrayBuffer | null> {
  const held = snapshots.get(base);
  if (held || distrusted.has(base)) return held ?? null;
  try {
    const found = await (await snapshotCache())?.match(snapshotKey(base));
    if (!found) return null;
    const bytes = await found.arrayBuffer();
    snapshots.set(base, bytes);
    return bytes;
  } catch {
    return null;
  }
}

async function saveSnapshot(base: string, bytes: ArrayBuffer): Promise<void> {
  snapshots.set(base, bytes);
  try {
    await (await snapshotCache())?.put(snapshotKey(base), new Response(bytes.slice(0), { headers: { "content-type": "application/octet-stream" } }));
  } catch {
    // NOTE: a full or missing Cache Storage only means the next page load makes its own snapshot.
  }
}

/** Pyodide URLs whose stored snapshot failed to load in this context: Cache Storage is not asked again for them. */
const distrusted = new Set<string>();

/** Forgets a snapshot that failed to load, so the next sandbox starts the long way and a new one is made. */
function dropSnapshot(base: string): void {
  snapshots.delete(base);
  distrusted.add(base);
  void snapshotCache().then((cache) => cache?.delete(snapshotKey(base)).catch(() => false));
}

/**
 * Makes the snapshot for the sandboxes of `options.origin` in a throwaway sandbox, unless one exists or is being
 * made; answers whether one is ready now. Sandboxes call it themselves after a start without a snapshot.
 */
export async function ensureSnapshot(options: Pick<SandboxOptions, "origin" | "memoryLimitBytes"> = {}): Promise<boolean> {
  const base = pyodideBase(options.origin ?? self.location.origin);
  if (await loadSnapshot(base)) return true;
  let pending = making.get(base);
  if (!pending) {
    const maker = createSandbox({ ...options, makeSnapshot: true, host: { resolve: refuse, summon: refuse } });
    pending = maker
      .warm()
      .then(
        () => snapshots.has(base),
        () => false,
      )
      .finally(() => {
        maker.close();
        making.delete(base);
      });
    making.set(base, pending);
  }
  return pending;
}

const refuse = (): Promise<never> => Promise.reject(new Error("the snapshot maker runs no code"));

const failure = (type: string, message: string): ErrorInfo => ({ type, message, traceback: "" });

/** Creates a sandbox; the worker starts on the first `warm()` or `call()`, and again after it had to be killed. */
export function createSandbox(options: SandboxOptions): Sandbox {
  // NOTE: read lazily, so creating a sandbox has no side effects (a page may create one while rendering on the server).
  const origin = () => options.origin ?? self.location.origin;
  const pyodideUrl = () => pyodideBase(origin());
  let state: SandboxState = "idle";
  let worker: Worker | undefined;
  let port: MessagePort | undefined;
  let interrupt = new Uint8Array(new SharedArrayBuffer(1));
  let bridge = new SharedArrayBuffer(BRIDGE_BYTES);
  let started: Promise<number> | undefined;
  let nextId = 1;
  let pending:
    | {
        id: number;
        being: Runnable;
        t0: number;
        requests: number;
        summons: number;
        interrupted: boolean;
        timers: ReturnType<typeof setTimeout>[];
        resolve(outcome: CallOutcome): void;
      }
    | undefined;

  function kill(reason: ErrorInfo): void {
    worker?.terminate();
    worker = undefined;
    port?.close();
    port = undefined;
    started = undefined;
    if (state !== "closed") state = "dead";
    finish({ ok: false, error: reason, stdout: "", stderr: "", calls: [] });
  }

  function finish(
    result:
      | { ok: true; value: unknown; stdout: string; stderr: string; calls: Outcome["calls"] }
      | { ok: false; error: ErrorInfo; stdout: string; stderr: string; calls: Outcome["calls"] },
  ): void {
    const p = pending;
    if (!p) return;
    pending = undefined;
    p.timers.forEach(clearTimeout);
    if (state === "busy") state = "ready";
    const ms = performance.now() - p.t0;
    const tiki =
      costOf({ kind: "sandbox", ms }).tiki +
      p.requests * costOf({ kind: "being_call" }).tiki +
      p.summons * (costOf({ kind: "summon" }).tiki - costOf({ kind: "being_call" }).tiki);
    p.resolve({ ...result, ms, tiki });
  }

  function answer(value: BridgeAnswer): void {
    const header = new Int32Array(bridge, 0, 2);
    let bytes = new TextEncoder().encode(JSON.stringify(value));
    if (bytes.length > BRIDGE_BYTES - 8)
      bytes = new TextEncoder().encode(JSON.stringify({ ok: false, error: `the answer is larger than ${BRIDGE_BYTES} bytes` }));
    new Uint8Array(bridge, 8).set(bytes);
    Atomics.store(header, 1, bytes.length);
    Atomics.store(header, 0, 1);
    Atomics.notify(header, 0);
  }

  async function serve(request: SandboxRequest): Promise<void> {
    const p = pending;
    if (!p || request.id !== p.id) return answer({ ok: false, error: "no call is running" });
    if (++p.requests > MAX_REQUESTS_PER_RUN) return answer({ ok: false, error: `one run may make at most ${MAX_REQUESTS_PER_RUN} execution and summon calls` });
    // NOTE: every being of one run shares its interpreter, so the top-level being's capabilities bound them all.
    const allowed = p.being.capabilities;
    try {
      if (request.op === "resolve") {
        if (!allowed.includes("execution")) return answer({ ok: false, error: `${p.being.name} may not call other beings` });
        const being = await options.host.resolve(request.soul, request.caller);
        return answer({ ok: true, being: { ...being, capabilities: being.capabilities.filter((c) => allowed.includes(c)) } });
      }
      if (!allowed.includes("summon")) return answer({ ok: false, error: `${p.being.name} may not summon beings` });
      p.summons++;
      const capabilities = (request.spec.capabilities ?? allowed).filter((c) => allowed.includes(c));
      return answer({ ok: true, soul: await options.host.summon(request.caller, { ...request.spec, capabilities }) });
    } catch (error) {
      answer({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  function onMessage(event: MessageEvent): void {
    const parsed = sandboxMessageSchema.safeParse(event.data);
    // NOTE: the sandbox runs hostile code; a message that breaks the protocol ends it.
    if (!parsed.success) return kill(failure("SandboxError", "The sandbox sent a message outside its protocol and was terminated."));
    const message = parsed.data;
    if (message.type === "request") void serve(message);
    else if (message.type === "result") {
      if (!pending || message.id !== pending.id) return;
      if (!message.ok) {
        const { error } = message;
        if (error.type === "KeyboardInterrupt" && pending.interrupted) {
          return finish({ ...message, error: failure("TimeLimit", `${pending.being.name} ran past its time limit and was stopped.`) });
        }
        if (error.type === "MemoryError") {
          return finish({
            ...message,
            error: {
              ...error,
              type: "MemoryLimit",
              message: `${pending.being.name} needed more memory than the sandbox allows (${(options.memoryLimitBytes ?? MEMORY_LIMIT_BYTES) / 1024 / 1024} MB).`,
            },
          });
        }
      }
      finish(message);
    }
  }

  function start(): Promise<number> {
    if (state === "closed") return Promise.reject(new SandboxError("closed", "This sandbox was closed: create a new one."));
    return (started ??= (async () => {
      state = "starting";
      // NOTE: the worker starts first, so its script and Pyodide's JavaScript load while the wasm compiles here.
      const w = new Worker(`${origin()}${SANDBOX_WORKER_URL}`, { type: "module", name: "luxos-sandbox" });
      worker = w;
      let early: string | null = null;
      w.onerror = (event) => {
        event.preventDefault();
        early = `The sandbox worker failed: ${event.message || "it could not start or it crashed"}.`;
      };
      const base = pyodideUrl();
      let files: Files;
      try {
        files = await loadFiles(base);
        if (early !== null) throw new SandboxError("load_failed", early);
      } catch (error) {
        if (worker === w) kill(failure("SandboxError", error instanceof Error ? error.message : String(error)));
        throw error;
      }
      if (worker !== w) throw new SandboxError("closed", "The sandbox was closed while it started.");
      interrupt = new Uint8Array(new SharedArrayBuffer(1));
      bridge = new SharedArrayBuffer(BRIDGE_BYTES);
      const channel = new MessageChannel();
      port = channel.port1;
      const makeSnapshot = options.makeSnapshot === true;
      const snapshot = makeSnapshot ? null : await loadSnapshot(base);
      if (worker !== w) throw new SandboxError("closed", "The sandbox was closed while it started.");
      let saved: Promise<void> = Promise.resolve();
      return new Promise<number>((resolve, reject) => {
        let over = false;
        const fail = (message: string) => {
          if (over) return;
          over = true;
          clearTimeout(timer);
          if (snapshot && worker === w) {
            // NOTE: a snapshot that cannot be loaded (a damaged cache entry, another build) is dropped and this sandbox
            // starts once more the long way; a new snapshot is then made in the background.
            dropSnapshot(base);
            w.terminate();
            port?.close();
            worker = undefined;
            port = undefined;
            started = undefined;
            state = "idle";
            start().then(resolve, reject);
            return;
          }
          if (worker === w) kill(failure("SandboxError", message));
          reject(new SandboxError("load_failed", message));
        };
        const timer = setTimeout(() => fail(`Pyodide did not load within ${LOAD_TIMEOUT_MS / 1000} s.`), LOAD_TIMEOUT_MS);
        w.onerror = (event) => {
          event.preventDefault();
          fail(`The sandbox worker failed: ${event.message || "it could not start or it crashed"}.`);
        };
        channel.port1.onmessage = (event: MessageEvent) => {
          const parsed = sandboxMessageSchema.safeParse(event.data);
          if (parsed.success && parsed.data.type === "snapshot" && makeSnapshot) {
            if (parsed.data.bytes.byteLength <= (options.memoryLimitBytes ?? MEMORY_LIMIT_BYTES)) saved = saveSnapshot(base, parsed.data.bytes);
          } else if (parsed.success && parsed.data.type === "ready") {
            clearTimeout(timer);
            channel.port1.onmessage = onMessage;
            state = "ready";
            // NOTE: started the long way: a snapshot is made now in the background, so the next sandbox (and page load) starts fast.
            if (!makeSnapshot && !snapshot) void ensureSnapshot(options);
            const ms = parsed.data.ms;
            void saved.then(() => resolve(ms));
          } else if (parsed.success && parsed.data.type === "failed") fail(`Pyodide failed to load in the sandbox: ${parsed.data.message}`);
          else fail("The sandbox sent a message outside its protocol while loading.");
        };
        const init: InitMessage = {
          type: "init",
          version: SANDBOX_PROTOCOL_VERSION,
          port: channel.port2,
          files,
          pyodideUrl: pyodideUrl(),
          interrupt: interrupt.buffer,
          bridge,
          memoryLimitBytes: options.memoryLimitBytes ?? MEMORY_LIMIT_BYTES,
          snapshot,
          makeSnapshot,
        };
        w.postMessage(init, [channel.port2]);
      });
    })());
  }

  return {
    get state() {
      return state;
    },
    warm: start,
    async call(being, callOptions = {}) {
      if (pending) throw new SandboxError("busy", "This sandbox is running a call already: wait for it, or use another sandbox.");
      await start();
      const message = runMessageSchema.parse({
        type: "run",
        id: nextId++,
        being,
        kwargs: callOptions.kwargs ?? {},
        maxDepth: callOptions.maxDepth ?? MAX_CALL_DEPTH,
        timeLimitMs: callOptions.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      });
      return new Promise<CallOutcome>((resolve) => {
        const limit = message.timeLimitMs;
        const p: NonNullable<typeof pending> = {
          id: message.id,
          being,
          t0: performance.now(),
          requests: 0,
          summons: 0,
          interrupted: false,
          timers: [],
          resolve,
        };
        pending = p;
        state = "busy";
        p.timers.push(
          setTimeout(() => {
            p.interrupted = true;
            Atomics.store(interrupt, 0, 2);
          }, limit),
          setTimeout(
            () => kill(failure("TimeLimit", `${being.name} ran past its time limit of ${limit} ms and did not stop; its sandbox was terminated.`)),
            limit + KILL_GRACE_MS,
          ),
        );
        port!.postMessage(message);
      });
    },
    close() {
      if (state === "closed") return;
      state = "closed";
      kill(failure("SandboxError", "The sandbox was closed while the call ran."));
      state = "closed";
    },
  };
}

/// <reference lib="webworker" />
/**
 * The sandbox worker: Pyodide running one being's Python at a time. It is served with a strict CSP
 * (server/http/sandboxAssets.ts: no network, no eval, no nested workers), receives Pyodide's files from
 * its owner instead of fetching them, removes storage, messaging and locks from its global scope
 * before any being's code runs, and talks only through the MessagePort it was given.
 */
import type { PyodideAPI } from "pyodide";
import { BRIDGE_POLL_MS, MAX_OUTPUT_CHARS, PYODIDE_VERSION } from "../../lib/sandbox/constants";
import { initMessageSchema, runMessageSchema, type InitMessage, type SandboxMessage } from "../../lib/sandbox/protocol";
import { PRELUDE } from "./prelude";
import { z } from "zod";

// NOTE: zod would otherwise probe for eval (its JIT), which this worker's CSP forbids and reports.
z.config({ jitless: true });

declare const self: DedicatedWorkerGlobalScope;

type LoadPyodide = (o: object) => Promise<PyodideAPI & { makeMemorySnapshot(): Uint8Array }>;

/**
 * Pyodide's JavaScript (pyodide.mjs and its 1.2 MB pyodide.asm.mjs), fetched and parsed the moment the worker starts,
 * while its owner is still compiling the wasm: `loadPyodide` later imports the same URLs and finds them loaded.
 */
const PRELOAD_URL = `${self.location.origin}/pyodide/v${PYODIDE_VERSION}/`;
const preloaded = Promise.all([
  import(/* webpackIgnore: true */ `${PRELOAD_URL}pyodide.mjs`),
  import(/* webpackIgnore: true */ `${PRELOAD_URL}pyodide.asm.mjs`),
]);
// NOTE: a failed preload is retried by the import in start(), which reports it.
preloaded.catch(() => undefined);

/** What Python can never reach once the sandbox is ready: network, storage, messaging, locks, workers. */
const REMOVED_GLOBALS = [
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "WebSocketStream",
  "WebTransport",
  "EventSource",
  "indexedDB",
  "caches",
  "cookieStore",
  "importScripts",
  "postMessage",
  "close",
  "Worker",
  "SharedWorker",
  "BroadcastChannel",
  "Notification",
  "onmessage",
] as const;

/** Deletes a property everywhere on an object's prototype chain, then pins it to undefined. */
function remove(target: object, name: string): void {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d?.configurable) delete (o as Record<string, unknown>)[name];
  }
  try {
    Object.defineProperty(target, name, { value: undefined, writable: false, configurable: false });
  } catch {
    // NOTE: a non-configurable own property (rare in workers) stays; CSP still blocks what it could reach.
  }
}

function harden(): void {
  for (const name of REMOVED_GLOBALS) remove(self, name);
  // OPFS, storage estimates and Web Locks (a being's lock could be stolen) hang off navigator.
  for (const name of ["storage", "locks", "serviceWorker"]) remove(self.navigator, name);
  if (typeof StorageManager !== "undefined") remove(StorageManager.prototype, "getDirectory");
}

/** Makes WebAssembly memory refuse to grow past `limit`: Python then raises MemoryError instead of eating the tab. */
function limitMemory(limit: number): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call on the right memory below
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, pages: number) {
    if (this.buffer.byteLength + pages * 65_536 > limit) throw new RangeError(`the sandbox's memory limit is ${limit / 1024 / 1024} MB`);
    return grow.call(this, pages);
  };
}

/** Serves Pyodide's own files from memory while it loads: the CSP allows no fetch at all. */
function serveFiles(files: InitMessage["files"]): void {
  // NOTE: Pyodide instantiates its wasm with instantiateStreaming(fetch(...)); the owner compiled it already.
  WebAssembly.instantiateStreaming = async (_source, imports) => ({ module: files.wasm, instance: await WebAssembly.instantiate(files.wasm, imports) });
  const bodies: Record<string, [BodyInit, string]> = {
    "pyodide.asm.wasm": [new Uint8Array(0), "application/wasm"],
    "python_stdlib.zip": [files.stdlib, "application/zip"],
    "pyodide-lock.json": [files.lock, "application/json"],
  };
  self.fetch = (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    const name = url.pathname.split("/").pop() ?? "";
    const body = bodies[name];
    if (!body) return Promise.reject(new TypeError(`the sandbox fetches nothing (asked for ${url.pathname})`));
    return Promise.resolve(new Response(body[0], { headers: { "content-type": body[1] } }));
  };
}

function clip(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (cut at ${MAX_OUTPUT_CHARS} characters)` : text;
}

async function start(init: InitMessage): Promise<void> {
  const started = performance.now();
  const port = init.port;
  const send = (message: SandboxMessage) => port.postMessage(message);
  const interrupt = new Uint8Array(init.interrupt);
  const header = new Int32Array(init.bridge, 0, 2);
  const answerBytes = new Uint8Array(init.bridge, 8);
  let stdout = "";
  let stderr = "";
  let runId = -1;

  limitMemory(init.memoryLimitBytes);
  serveFiles(init.files);
  const module: unknown = init.pyodideUrl === PRELOAD_URL ? (await preloaded.catch(() => [undefined]))[0] : undefined;
  const { loadPyodide } = (module ?? (await import(/* webpackIgnore: true */ `${init.pyodideUrl}pyodide.mjs`))) as { loadPyodide: LoadPyodide };
  const pyodide = await loadPyodide({
    indexURL: init.pyodideUrl,
    lockFileContents: init.files.lock,
    checkAPIVersion: true,
    // A snapshot skips Python's own start-up (about nine tenths of the load); a throwaway sandbox makes it (createSandbox.ts).
    ...(init.snapshot ? { _loadSnapshot: init.snapshot } : init.makeSnapshot ? { _makeSnapshot: true } : {}),
  });
  if (!init.snapshot && init.makeSnapshot) {
    // NOTE: taken before the prelude, the JS modules and any being's code: it holds a freshly started Python and nothing else.
    const bytes = pyodide.makeMemorySnapshot().slice().buffer;
    port.postMessage({ type: "snapshot", bytes } satisfies SandboxMessage, [bytes]);
  }
  pyodide.setStdout({ batched: (line: string) => void (stdout = clip(`${stdout}${line}\n`)) });
  pyodide.setStderr({ batched: (line: string) => void (stderr = clip(`${stderr}${line}\n`)) });
  pyodide.setInterruptBuffer(interrupt);
  pyodide.registerJsModule("_luxos_host", {
    /** Blocks Python until the owner answers through the shared buffer (or the run is interrupted). */
    request(op: string, payload: string): string {
      Atomics.store(header, 0, 0);
      send({ type: "request", id: runId, op, ...(JSON.parse(payload) as object) } as SandboxMessage);
      while (Atomics.load(header, 0) === 0) {
        if (Atomics.load(interrupt, 0) !== 0) return JSON.stringify({ ok: false, error: "the run was interrupted (time limit)" });
        Atomics.wait(header, 0, 0, BRIDGE_POLL_MS);
      }
      return new TextDecoder().decode(answerBytes.slice(0, Atomics.load(header, 1)));
    },
  });
  pyodide.runPython(PRELUDE);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-call -- pyodide types globals as any
  const run = pyodide.globals.get("_luxos_run") as unknown as (json: string) => Promise<string>;
  delete (self as { fetch?: unknown }).fetch;
  harden();

  port.onmessage = async (event: MessageEvent) => {
    const parsed = runMessageSchema.safeParse(event.data);
    if (!parsed.success) return;
    const message = parsed.data;
    runId = message.id;
    stdout = "";
    stderr = "";
    Atomics.store(interrupt, 0, 0);
    const t0 = performance.now();
    let answer: { result: { ok: true; value: unknown } | { ok: false; error: { type: string; message: string; traceback: string } }; calls: [] };
    try {
      answer = JSON.parse(await run(JSON.stringify(message))) as typeof answer;
    } catch (error) {
      // NOTE: an interrupt can land outside the prelude's try (while it formats its answer).
      const text = error instanceof Error ? error.message : String(error);
      const type = /KeyboardInterrupt/.test(text) ? "KeyboardInterrupt" : /MemoryError/.test(text) ? "MemoryError" : "SandboxError";
      answer = { result: { ok: false, error: { type, message: text.slice(-2000), traceback: "" } }, calls: [] };
    }
    const ms = performance.now() - t0;
    const result: SandboxMessage = { type: "result", id: message.id, ...answer.result, stdout, stderr, ms, calls: answer.calls };
    send(result);
  };
  send({ type: "ready", ms: performance.now() - started, python: String(pyodide.version) });
}

self.onmessage = (event: MessageEvent) => {
  const parsed = initMessageSchema.safeParse(event.data);
  if (!parsed.success) return;
  self.onmessage = null;
  const init = parsed.data as InitMessage;
  start(init).catch((error: unknown) => {
    init.port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) } satisfies SandboxMessage);
  });
};

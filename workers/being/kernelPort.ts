/**
 * Both ends of the bridge between a being's worker and the tab's kernel (seed 001). The page owns the
 * kernel (its I/O queue and its CPU queue with the pool of sandbox workers); for each being it exposes
 * the kernel on a MessagePort bound to that being's soul and hands the other end to the being's worker.
 * So a being's RUN python, its function calls and its Lux master calls wait their turn with every other
 * being's, and a being can neither jump the queue nor speak for another being.
 */
import { expose, wrap } from "comlink";
import { z } from "zod";
import { formatTraceparent, parseTraceparent } from "../../lib/events/traceparent";
import { runnableSchema, type Runnable } from "../../lib/sandbox/protocol";
import type { CallOutcome } from "../sandbox/createSandbox";

/** The master procedures a being's Lux program may reach through the kernel (LOAD url/query, ASK, SUMMON, CLASSIFY). */
export const BEING_MASTER_PATHS = ["lux.fetch", "beings.list", "knowledge.ask", "beings.create", "relationships.create"] as const;
export type BeingMasterPath = (typeof BEING_MASTER_PATHS)[number];

const pythonOptionsSchema = z.strictObject({
  kwargs: z.record(z.string(), z.unknown()).optional(),
  timeLimitMs: z.number().int().positive().optional(),
});
export type PythonRunOptions = z.infer<typeof pythonOptionsSchema>;

const functionCallSchema = z.strictObject({
  soul: z.string().min(1).max(64),
  source: z
    .string()
    .max(256 * 1024)
    .optional(),
  kwargs: z.record(z.string(), z.unknown()).optional(),
  timeLimitMs: z.number().int().positive().optional(),
});
export type FunctionCallRequest = z.infer<typeof functionCallSchema>;

const masterCallSchema = z.strictObject({ kind: z.enum(["read", "mutation"]), path: z.enum(BEING_MASTER_PATHS), input: z.unknown() });

/** What the page's kernel does for a being (`owner` is the soul the port is bound to, never what the being says). */
export interface KernelForBeings {
  runPython(owner: string, being: Runnable, options: PythonRunOptions, signal: AbortSignal, label: string): Promise<CallOutcome>;
  callFunction(owner: string, request: FunctionCallRequest, signal: AbortSignal): Promise<CallOutcome>;
  /** A master call; `traceparent` (already checked) travels as its header, so the master's writes join the being's trace. */
  master(owner: string, kind: "read" | "mutation", path: BeingMasterPath, input: unknown, signal: AbortSignal, traceparent?: string): Promise<unknown>;
  /** Other I/O for a being (a CALL to another being), within `timeoutMs` counting the wait. */
  ioWork<T>(owner: string, label: string, work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T>;
  /** Cancels everything the being has queued or running (it stopped). */
  forget(owner: string): void;
}

/** The API a being's worker speaks over its kernel port. Every call carries a job id the worker picks, for `cancel`. */
export interface KernelPortApi {
  runPython(job: number, being: Runnable, options: PythonRunOptions): Promise<CallOutcome>;
  callFunction(job: number, request: FunctionCallRequest): Promise<CallOutcome>;
  master(job: number, kind: "read" | "mutation", path: BeingMasterPath, input: unknown, traceparent?: string): Promise<unknown>;
  cancel(job: number): Promise<void>;
}

/** The page's end: the kernel exposed on `port` for the being `soul`. Returns the function that ends it (and cancels the being's jobs). */
export function serveKernelPort(kernel: KernelForBeings, soul: string, port: MessagePort): () => void {
  const jobs = new Map<number, AbortController>();
  const track = async <T>(job: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    jobs.set(job, controller);
    try {
      return await work(controller.signal);
    } finally {
      jobs.delete(job);
    }
  };
  const api: KernelPortApi = {
    // NOTE: the worker is ours, but what it passes on came from a being's program: parse it like any boundary.
    runPython: (job, being, options) =>
      track(job, (signal) => {
        const parsed = runnableSchema.parse(being);
        return kernel.runPython(soul, { ...parsed, soul }, pythonOptionsSchema.parse(options), signal, "RUN python");
      }),
    callFunction: (job, request) => track(job, (signal) => kernel.callFunction(soul, functionCallSchema.parse(request), signal)),
    master: (job, kind, path, input, traceparent) =>
      track(job, (signal) => {
        const call = masterCallSchema.parse({ kind, path, input });
        // NOTE: a traceparent that does not parse is dropped (W3C trace context), never passed on as a header.
        const trace = traceparent === undefined ? null : parseTraceparent(String(traceparent));
        return kernel.master(soul, call.kind, call.path, call.input, signal, trace ? formatTraceparent(trace) : undefined);
      }),
    cancel(job) {
      jobs.get(job)?.abort();
      return Promise.resolve();
    },
  };
  expose(api, port);
  return () => {
    for (const controller of jobs.values()) controller.abort();
    jobs.clear();
    kernel.forget(soul);
    port.close();
  };
}

/** The being worker's end: the kernel's calls with AbortSignals (an abort cancels the job in the kernel). */
export function kernelOverPort(port: MessagePort) {
  const remote = wrap<KernelPortApi>(port);
  let nextJob = 1;
  const withJob = async <T>(signal: AbortSignal | undefined, call: (job: number) => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    const job = nextJob++;
    const onAbort = () => void remote.cancel(job);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await call(job);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  };
  return {
    // NOTE: comlink's Remote type splits the CallOutcome union; what arrives is the kernel's CallOutcome as it was sent.
    runPython: (being: Runnable, options: PythonRunOptions, signal?: AbortSignal): Promise<CallOutcome> =>
      withJob(signal, (job) => remote.runPython(job, being, options) as Promise<CallOutcome>),
    callFunction: (request: FunctionCallRequest, signal?: AbortSignal): Promise<CallOutcome> =>
      withJob(signal, (job) => remote.callFunction(job, request) as Promise<CallOutcome>),
    master: (kind: "read" | "mutation", path: BeingMasterPath, input: unknown, signal?: AbortSignal, traceparent?: string) =>
      withJob(signal, (job): Promise<unknown> => remote.master(job, kind, path, input, traceparent)),
  };
}
export type KernelClient = ReturnType<typeof kernelOverPort>;

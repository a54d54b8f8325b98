/**
 * The one wire protocol between a sandbox worker (Pyodide, untrusted code) and its owner (a being's
 * worker or the page). Every message is checked with these schemas on arrival, on both sides: the
 * owner treats anything the sandbox sends as hostile.
 */
import { z } from "zod";
import { MAX_CALL_DEPTH, MAX_TIME_LIMIT_MS } from "./constants";

export const SANDBOX_PROTOCOL_VERSION = 1;

/** What a function being may do from inside the sandbox. */
export const CAPABILITIES = ["execution", "summon"] as const;
export type Capability = (typeof CAPABILITIES)[number];
export const capabilitySchema = z.enum(CAPABILITIES);

const jsonObject = z.record(z.string(), z.unknown());

/** One being's code as the sandbox runs it. */
export const runnableSchema = z.strictObject({
  soul: z.string().min(1).max(64),
  name: z.string().max(200),
  version: z.number().int().min(0),
  source: z.string().max(256 * 1024),
  attributes: jsonObject,
  capabilities: z.array(capabilitySchema).max(CAPABILITIES.length),
});
export type Runnable = z.infer<typeof runnableSchema>;

// ---------------------------------------------------------------- owner → sandbox

export const runMessageSchema = z.strictObject({
  type: z.literal("run"),
  id: z.number().int(),
  being: runnableSchema,
  kwargs: jsonObject,
  maxDepth: z.number().int().min(1).max(MAX_CALL_DEPTH),
  timeLimitMs: z.number().int().min(1).max(MAX_TIME_LIMIT_MS),
});
export type RunMessage = z.infer<typeof runMessageSchema>;

/** The first message, on the worker itself; everything after goes through `port`. */
export interface InitMessage {
  readonly type: "init";
  readonly version: typeof SANDBOX_PROTOCOL_VERSION;
  readonly port: MessagePort;
  /** Pyodide's files, fetched by the owner (the sandbox may not fetch anything itself); its wasm compiled once per owner. */
  readonly files: { readonly wasm: WebAssembly.Module; readonly stdlib: ArrayBuffer; readonly lock: string };
  readonly pyodideUrl: string;
  /** One byte: the owner writes 2 (SIGINT) to stop Python. */
  readonly interrupt: SharedArrayBuffer;
  /** [state, length] then the answer's bytes, for `execution` and `summon` that block. */
  readonly bridge: SharedArrayBuffer;
  readonly memoryLimitBytes: number;
  /** A memory snapshot of a freshly loaded Pyodide to start from (made once by a throwaway sandbox, kept in Cache Storage), or null. */
  readonly snapshot: ArrayBuffer | null;
  /** Only for the throwaway snapshot maker: make one right after loading, before anything else runs, and send it (`snapshot`). */
  readonly makeSnapshot: boolean;
}

export const initMessageSchema = z.object({
  type: z.literal("init"),
  version: z.literal(SANDBOX_PROTOCOL_VERSION),
  port: z.instanceof(MessagePort),
  files: z.object({ wasm: z.instanceof(WebAssembly.Module), stdlib: z.instanceof(ArrayBuffer), lock: z.string() }),
  pyodideUrl: z.string(),
  interrupt: z.instanceof(SharedArrayBuffer),
  bridge: z.instanceof(SharedArrayBuffer),
  memoryLimitBytes: z.number().int().positive(),
  snapshot: z.instanceof(ArrayBuffer).nullable(),
  makeSnapshot: z.boolean(),
});

// ---------------------------------------------------------------- sandbox → owner

export const requestSchema = z.discriminatedUnion("op", [
  z.strictObject({ type: z.literal("request"), id: z.number().int(), op: z.literal("resolve"), soul: z.string().max(64), caller: z.string().max(64) }),
  z.strictObject({
    type: z.literal("request"),
    id: z.number().int(),
    op: z.literal("summon"),
    caller: z.string().max(64),
    spec: z.strictObject({
      name: z.string().min(1).max(200),
      source: z
        .string()
        .max(64 * 1024)
        .default(""),
      attributes: jsonObject.default({}),
      capabilities: z.array(capabilitySchema).max(CAPABILITIES.length).optional(),
    }),
  }),
]);
export type SandboxRequest = z.infer<typeof requestSchema>;

export const errorInfoSchema = z.strictObject({
  /** The Python exception's class (`ZeroDivisionError`), or `TimeLimit`, `MemoryLimit`, `Killed`, `SandboxError`. */
  type: z.string().max(200),
  message: z.string().max(10_000),
  traceback: z.string().max(20_000),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export const callRecordSchema = z.strictObject({ soul: z.string().max(64), depth: z.number().int(), ms: z.number() });

const output = { stdout: z.string(), stderr: z.string(), ms: z.number().min(0), calls: z.array(callRecordSchema).max(10_000) };

export const resultMessageSchema = z.discriminatedUnion("ok", [
  z.strictObject({ type: z.literal("result"), id: z.number().int(), ok: z.literal(true), value: z.unknown(), ...output }),
  z.strictObject({ type: z.literal("result"), id: z.number().int(), ok: z.literal(false), error: errorInfoSchema, ...output }),
]);

export const sandboxMessageSchema = z.union([
  z.strictObject({ type: z.literal("ready"), ms: z.number(), python: z.string().max(100) }),
  z.strictObject({ type: z.literal("failed"), message: z.string().max(10_000) }),
  // NOTE: accepted only while the sandbox loads, before any being's code ran in it (createSandbox.ts).
  z.strictObject({ type: z.literal("snapshot"), bytes: z.instanceof(ArrayBuffer) }),
  requestSchema,
  resultMessageSchema,
]);
export type SandboxMessage = z.infer<typeof sandboxMessageSchema>;

/** What the owner answers a request with, through the shared buffer. */
export const bridgeAnswerSchema = z.union([
  z.strictObject({ ok: z.literal(true), being: runnableSchema }),
  z.strictObject({ ok: z.literal(true), soul: z.string() }),
  z.strictObject({ ok: z.literal(false), error: z.string().max(10_000) }),
]);
export type BridgeAnswer = z.infer<typeof bridgeAnswerSchema>;

/**
 * The one contract between the page (the swarm host) and a being's worker. The worker exposes
 * `BeingWorkerApi` with comlink; the page imports this file as types only.
 */
import type { MindLayer, MindMode } from "../../lib/mind";
import type { CallOutcome } from "../sandbox/createSandbox";

/** Which reasoner a being asked for; the worker says which one actually runs and why. */
export type ReasonerChoice = "deterministic" | "webllm" | "openai";

/** What the worker needs from the being's master record to come alive. */
export interface BeingRecord {
  readonly soul: string;
  readonly name: string;
  readonly personality: string;
  readonly goal: string;
  readonly reasoner: ReasonerChoice;
  readonly budget: number;
  /** Milliseconds between ticks per layer; missing layers use the defaults. */
  readonly periods?: Partial<Record<MindLayer, number>>;
}

/** `inspect`: open the micro-world only (browse a being that is not running here). */
export type InitMode = "run" | "inspect";

/** `loading` until the micro-world is open; `error` when it cannot be (quota, lock, no OPFS). */
export type WorkerState = "loading" | "ready" | "running" | "paused" | "halted" | "stopped" | "error";

export type MicroWorldErrorReason = "no_opfs" | "quota" | "locked" | "corrupt" | "unknown";

export interface WorkerError {
  readonly reason: MicroWorldErrorReason | "mind" | "reasoner";
  readonly message: string;
}

export interface LayerStatus {
  readonly periodMs: number;
  readonly ticks: number;
  readonly lastDecision: string | null;
  readonly lastDecisionAt: number | null;
}

/** Everything the page shows of a being, pushed a few times a second. Plain JSON. */
export interface BeingStatus {
  readonly soul: string;
  readonly name: string;
  readonly state: WorkerState;
  readonly mode: MindMode;
  readonly error: WorkerError | null;
  readonly layers: Readonly<Record<MindLayer, LayerStatus>>;
  readonly budget: { readonly limit: number; readonly spent: number };
  readonly outboxDepth: number;
  readonly facts: number;
  readonly memories: number;
  readonly successRate: number | null;
  readonly lastReflection: string | null;
  readonly reasoner: { readonly choice: ReasonerChoice; readonly id: string; readonly why: string };
  /** `opfs` when the file persists; `memory` when OPFS was not available (the error says why). */
  readonly storage: { readonly vfs: "opfs" | "memory"; readonly file: string };
  /** Reflex ticks per second over the last ACTIVITY_SECONDS, oldest first. */
  readonly activity: readonly number[];
  /** Decisions per second over the same window. */
  readonly decisions: readonly number[];
  readonly startedAt: number | null;
  /** Where the worker's start-up went: loading sqlite-wasm, opening (and migrating) the OPFS file, restoring the mind. */
  readonly boot: { readonly sqliteMs: number; readonly openMs: number; readonly restoreMs: number };
  /** The worker's clock when it made this snapshot: the heartbeat. */
  readonly at: number;
}

export interface TableInfo {
  readonly name: string;
  readonly rows: number;
  readonly columns: readonly string[];
}

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** True when more rows matched than QUERY_ROW_CAP. */
  readonly truncated: boolean;
  readonly ms: number;
}

export interface RecentEvent {
  readonly id: string;
  readonly type: string;
  readonly layer: string | null;
  readonly decision: string | null;
  readonly rationale: string | null;
  readonly time: string;
}

/** What the worker pushes through the `onEvent` callback. */
export type BeingWorkerEvent =
  { readonly kind: "status"; readonly status: BeingStatus } | { readonly kind: "notify"; readonly level: "info" | "warning"; readonly text: string };

/**
 * The worker's API, exposed with comlink. Every method may reject with an Error whose message a
 * person can act on (a refused query, a closed micro-world).
 */
export interface BeingWorkerApi {
  /** Loads sqlite-wasm ahead of time, so a spare worker is ready the moment a being is spawned. */
  warm(): Promise<void>;
  /**
   * Gives the worker its port to the tab's one LLM worker (the swarm host brokers it; pass it with
   * comlink's `transfer`). A WebLLM being needs it before `init`; without it, it falls back and says why.
   */
  connectLlm(port: MessagePort): Promise<void>;
  /** Opens the being's micro-world (migrating it) and, in `run` mode, restores its mind. */
  init(record: BeingRecord, mode: InitMode): Promise<BeingStatus>;
  /** Starts the loop (no-op when running). */
  start(): Promise<BeingStatus>;
  pause(): Promise<BeingStatus>;
  resume(): Promise<BeingStatus>;
  /** Stops the loop, saves the mind and closes the database; the worker may then be terminated. */
  stop(): Promise<BeingStatus>;
  status(): Promise<BeingStatus>;
  /** Answers at once with the worker's clock; the host's watchdog calls it. */
  heartbeat(): Promise<number>;
  /** Feeds an input to the mind (parsed in the worker). */
  send(input: unknown): Promise<{ readonly ok: boolean; readonly error?: string }>;
  /** One read-only statement (SELECT, WITH, EXPLAIN, a reading PRAGMA); anything else is refused. */
  query(sql: string): Promise<QueryResult>;
  tables(): Promise<readonly TableInfo[]>;
  recentEvents(limit: number): Promise<readonly RecentEvent[]>;
  /** The being's embedder (`hashEmbed` of lib/embed): one 384-d vector per text, bit for bit what the server computes. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Subscribes to status pushes and notifications (pass a `Comlink.proxy`). Replaces an earlier subscriber. */
  onEvent(callback: (event: BeingWorkerEvent) => void): Promise<void>;
  /**
   * Runs a function being's Python in this worker's own sandbox worker (started on first use; a hostile or
   * runaway call kills only the sandbox): its code and attributes from the master, or `source` instead of its
   * code; `kwargs` over its attributes. Never rejects for the code's own failures: see `CallOutcome.ok`.
   */
  callFunction(request: {
    readonly soul: string;
    readonly source?: string;
    readonly kwargs?: Record<string, unknown>;
    readonly timeLimitMs?: number;
  }): Promise<CallOutcome>;
}

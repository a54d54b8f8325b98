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
  /**
   * The branch the being was genesis'd in (a fan-out variant's; `main` when absent): its master record lives there, and what
   * it learns, does and spends goes there too.
   */
  readonly branch?: string;
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

/**
 * Where a being's sync loop is: `idle` (nothing to send, or waiting for more), `sending` (a push
 * in flight), `retrying` (the last push failed; `nextAttemptAt` says when), `offline` (the browser
 * says there is no network; it waits for `online`).
 */
export type SyncState = "idle" | "sending" | "retrying" | "offline";

/** The outbox and its way to the master, as the page shows it. */
export interface SyncStatus {
  readonly state: SyncState;
  /** Events in the outbox, the refused ones included. */
  readonly depth: number;
  /** Events the master refused (kept, not sent again). */
  readonly refused: number;
  /** Events acknowledged since the worker started. */
  readonly sent: number;
  /** When the master last acknowledged a batch (this worker's clock), or null. */
  readonly lastSyncAt: number | null;
  readonly lastAttemptAt: number | null;
  /** Why the last attempt failed; null after a success. */
  readonly lastError: string | null;
  /** Failed attempts in a row. */
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  /** Facts learned from the master (taught by other beings) since the worker started. */
  readonly pulled: number;
  /** When the master was last asked for what others taught, or null. */
  readonly lastPullAt: number | null;
  /** Tiki spend entries the master's ledger recorded (`tiki.report`) since the worker started. */
  readonly spendReported?: number;
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
  /** The outbox's way to the master (depth, last sync, last error); null while the being is only inspected. */
  readonly sync: SyncStatus | null;
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

/** What a micro-world image holds (microWorldTransfer.ts), as an import shows it. */
export interface MicroWorldSummary {
  readonly bytes: number;
  readonly schemaVersion: number;
  readonly facts: number;
  readonly memories: number;
  readonly outbox: number;
  /** Changes its flight recorder keeps (0 for a micro-world from before schema 4). */
  readonly journal: number;
}

/** One recorded table of the micro-world at a past moment, and what changed between then and now (rows as the shown `columns`). */
export interface MicroWorldMomentTable {
  readonly name: string;
  readonly columns: readonly string[];
  /** False when the table's recorded history does not reach back that far (`floor` says from when it does). */
  readonly available: boolean;
  readonly floor: number | null;
  /** Rows then; `rows` holds the newest MOMENT_ROWS_CAP of them. */
  readonly total: number;
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** Rows now that were not there then, rows then that are gone now, rows that differ (newest MOMENT_ROWS_CAP each). */
  readonly added: readonly (readonly (string | number | null)[])[];
  readonly removed: readonly (readonly (string | number | null)[])[];
  readonly changed: readonly { readonly then: readonly (string | number | null)[]; readonly now: readonly (string | number | null)[] }[];
  readonly nowTotal: number;
}

/** The micro-world at a past moment (rebuilt from its journal), with the difference to now. */
export interface MicroWorldMoment {
  /** The moment, ms since the epoch. */
  readonly at: number;
  readonly tables: readonly MicroWorldMomentTable[];
  /** Recorded changes undone to get there. */
  readonly undone: number;
  /** Milliseconds the rebuild took. */
  readonly ms: number;
}

/** One moment the micro-world's journal recorded: a commit of the being, what it touched, the trace of its work. */
export interface MicroWorldMomentEntry {
  readonly at: number;
  readonly changes: number;
  readonly tables: readonly string[];
  /** The W3C traceparent of the work that made it, when known. */
  readonly trace: string | null;
}

/** The micro-world's recorded history: its moments (newest first) and how far back each table reaches. */
export interface MicroWorldHistory {
  readonly moments: readonly MicroWorldMomentEntry[];
  /** Per recorded table, the earliest moment it can be rebuilt at (0: since it was created). */
  readonly floors: Readonly<Record<string, number>>;
  /** Recorded changes kept in all. */
  readonly entries: number;
  /** Tables the recorder does not follow, and why. */
  readonly notRecorded: readonly { readonly table: string; readonly why: string }[];
}

/** What a restore did: the micro-world is as it was at `at`, through new (recorded) changes made at `restoredAt`. */
export interface MicroWorldRestore {
  readonly at: number;
  readonly restoredAt: number;
  /** Changes made per table to get back there. */
  readonly changed: Readonly<Record<string, number>>;
}

/** A file dropped on the Lux editor, passed into a run for `LOAD file`. */
export interface LuxFileInput {
  readonly name: string;
  readonly text: string;
}

/** A Lux program to run in the being. */
export interface LuxRunRequest {
  readonly source: string;
  /** Tiki the run may spend (lib/lux DEFAULT_BUDGET when absent). */
  readonly budget?: number;
  readonly files?: readonly LuxFileInput[];
  /**
   * The branch the run happens in (the being's own branch, else `main`, when absent): its master reads see that branch, its
   * writes (SUMMONed beings, REPORTed facts, trace events) land there, and its spend is booked to it in the Tiki ledger.
   */
  readonly branch?: string;
  /** The task the run's spend is booked to (a fan-out's `fan-out:<id>`); `lux-run:<trace id>` when absent. */
  readonly task?: string;
  /** Variables the program starts with, as JSON (a fan-out's `input` and `personality`). */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** The W3C traceparent of the work that asked for the run (a decision): the run continues that trace. Absent: a new trace. */
  readonly trace?: string;
}

/** One step of a Lux run as the page shows it. */
export interface LuxStepView {
  readonly index: number;
  readonly statement: string;
  readonly line: number;
  readonly column: number;
  readonly output: string;
  readonly tiki: number;
  readonly spent: number;
}

/** How a Lux run ended. */
export interface LuxRunView {
  readonly ok: boolean;
  readonly steps: number;
  readonly spent: number;
  readonly budget: number;
  readonly traceid: string;
  readonly error: { readonly message: string; readonly reason: string; readonly line: number | null; readonly column: number | null } | null;
  /** Facts REPORTed to the master (through the outbox). */
  readonly reported: readonly string[];
  /** The run's output as JSON: its last REPORTed value, else its `output` variable; null when it has neither. */
  readonly output?: unknown;
  /** The program's variables at the end, each summarised in a line. */
  readonly variables: Readonly<Record<string, string>>;
  readonly ms: number;
}

/** The page's route for CALL: asks another being (running in this tab) and answers its reply as JSON. */
export type LuxCallBeing = (being: string, input: unknown, timeoutMs: number) => Promise<unknown>;

/** How a goal of the being's mind ended: its plan succeeded (`achieved`), or it gave up after failed plans (`abandoned`). */
export type GoalOutcome = "achieved" | "abandoned";

/** A goal that ended: pushed as an event the moment it ends, and kept in the micro-world for `goal(id)`. */
export interface GoalEnded {
  readonly kind: "goal";
  readonly id: string;
  readonly outcome: GoalOutcome;
  /** The mind's rationale, in words. */
  readonly reason: string;
  /** The worker's clock when it ended. */
  readonly at: number;
}

/** Where a goal stands: still in the mind (`pending`/`active`), ended (with why), or not known to this being (`unknown`). */
export type GoalState =
  { readonly status: "pending" | "active" } | { readonly status: GoalOutcome; readonly reason: string; readonly at: number } | { readonly status: "unknown" };

/** What the worker pushes through the `onEvent` callback. */
export type BeingWorkerEvent =
  | { readonly kind: "status"; readonly status: BeingStatus }
  | { readonly kind: "notify"; readonly level: "info" | "warning"; readonly text: string }
  | GoalEnded;

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
  /**
   * Gives the worker its port to the tab's kernel (workers/being/kernelPort.ts; the swarm host serves it, bound to this
   * being's soul). RUN python, function calls and Lux's master calls go through it; without it they fail and say why.
   */
  connectKernel(port: MessagePort): Promise<void>;
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
  /**
   * Where goal `id` stands (a page that reloaded mid-task asks before feeding it again). Ended goals are kept in the
   * micro-world (the last GOALS_ENDED_KEPT of them), so the answer survives a reload; `unknown` for a goal never fed.
   */
  goal(id: string): Promise<GoalState>;
  /** One read-only statement (SELECT, WITH, EXPLAIN, a reading PRAGMA); anything else is refused. */
  query(sql: string): Promise<QueryResult>;
  tables(): Promise<readonly TableInfo[]>;
  recentEvents(limit: number): Promise<readonly RecentEvent[]>;
  /**
   * Teaches the being: each text becomes a fact in its micro-world and a `knowledge.learned` event
   * in its outbox, in one transaction (so the master gets each exactly once, whenever it is
   * reachable). Blank lines are skipped. Answers the event ids (= the facts' ids at the master).
   */
  learn(texts: readonly string[]): Promise<{ readonly ids: readonly string[] }>;
  /** Sends the outbox now, forgetting any backoff (the Retry button). */
  syncNow(): Promise<void>;
  /** The being's embedder (`hashEmbed` of lib/embed): one 384-d vector per text, bit for bit what the server computes. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Subscribes to status pushes and notifications (pass a `Comlink.proxy`). Replaces an earlier subscriber. */
  onEvent(callback: (event: BeingWorkerEvent) => void): Promise<void>;
  /**
   * Runs a Lux program in the being (one at a time): steps arrive in batches through `onSteps`, the result when
   * it ends. `callBeing` routes CALL (pass `Comlink.proxy`s). Rejects when the being is not running here or a run is under way.
   */
  runLux(request: LuxRunRequest, onSteps: (steps: readonly LuxStepView[]) => void, callBeing?: LuxCallBeing): Promise<LuxRunView>;
  /** Interrupts the Lux run under way (it ends with an `interrupted` error); false when none runs. */
  stopLux(): Promise<boolean>;
  /** Answers a Lux CALL from another being: what this being knows about the input's question or text. */
  answerCall(from: string, input: unknown): Promise<unknown>;
  /**
   * The being's micro-world as one SQLite image (for a being file), from the open database when this worker runs that
   * being, else read from OPFS; null when this browser has no micro-world for it. Needs no `init`.
   */
  exportMicroWorld(soul: string): Promise<Uint8Array | null>;
  /** The micro-world's recorded moments, newest first (at most `limit`), and how far back each table reaches. Needs `init`. */
  microWorldHistory(limit: number): Promise<MicroWorldHistory>;
  /** The micro-world rebuilt as it was at `at` (ms since the epoch), with the difference to now. Needs `init`. */
  microWorldAt(at: number): Promise<MicroWorldMoment>;
  /** One read-only statement over the micro-world as it was at `at` (its recorded tables and journal). */
  queryMicroWorldAt(at: number, sql: string): Promise<QueryResult>;
  /**
   * Makes the micro-world's recorded tables what they were at `at`, as new changes (themselves recorded, so the
   * history keeps everything and the restore can be undone the same way). Refused while a Lux program runs.
   */
  restoreMicroWorld(at: number): Promise<MicroWorldRestore>;
  /** Checks an image from a being file (header, integrity, schema) without writing anything; throws what is wrong. Needs no `init`. */
  checkMicroWorld(image: Uint8Array): Promise<MicroWorldSummary>;
  /** Writes a checked image as the micro-world of `soul` in this browser (never over an existing one). Needs no `init`. */
  importMicroWorld(soul: string, image: Uint8Array): Promise<MicroWorldSummary>;
  /**
   * Runs a function being's Python through the tab's kernel (its code from the master in the I/O queue, the run in
   * the CPU queue on a pool sandbox; a hostile or runaway call kills only that sandbox): its code and attributes from
   * the master, or `source` instead of its code; `kwargs` over its attributes. Never rejects for the code's own
   * failures (see `CallOutcome.ok`); rejects when the kernel refuses it (a full queue) or is not connected.
   */
  callFunction(request: {
    readonly soul: string;
    readonly source?: string;
    readonly kwargs?: Record<string, unknown>;
    readonly timeLimitMs?: number;
  }): Promise<CallOutcome>;
}

/**
 * The vocabulary of a being's mind: what goes in (MindInput, parsed at the worker's boundary),
 * what it holds (MindState, plain JSON so the runtime can snapshot it), and what comes out
 * (MindAction, for the runtime to carry out).
 */
import { z } from "zod";
import { addressSchema } from "../events/address";
import { jsonDataProblem, spanIdSchema, traceIdSchema, type EventEnvelope, type Result, type TraceContext } from "../events/eventEnvelope";
import type { MindLayer } from "../events/eventKinds";
import type { Json, JsonObject } from "../jsonMergePatch";
import type { Budget } from "../tiki";

export type { MindLayer };

// ---------------------------------------------------------------- inputs

const traceSchema = z.strictObject({ traceid: traceIdSchema, spanid: spanIdSchema });
const idSchema = z.string().min(1, "an id cannot be empty").max(200);
const keySchema = z.string().min(1, "a world key cannot be empty").max(200);

/** A JSON value, checked without recursion (no input can exhaust the stack) and within the event size limit. */
const boundedJson = z.custom<Json>().superRefine((value, ctx) => {
  const problem = jsonDataProblem({ value });
  if (problem) ctx.addIssue({ code: "custom", message: problem.replace(/^data\.value/, "value") });
});

/** Everything that can reach a mind. */
export const mindInputSchema = z.discriminatedUnion("kind", [
  /** Someone spoke to the being; `trace` is the message event's trace position. */
  z.strictObject({ kind: z.literal("message"), id: idSchema, from: addressSchema, text: z.string().max(16_000), trace: traceSchema.optional() }),
  /** Something the being observed about its world. */
  z.strictObject({ kind: z.literal("perception"), key: keySchema, value: boundedJson }),
  /** What the being now expects of a key (from its program, the master, or a plan). */
  z.strictObject({ kind: z.literal("expectation"), key: keySchema, value: boundedJson }),
  /** A slow operation reports back, matched by id. */
  z.strictObject({
    kind: z.literal("operation_result"),
    id: idSchema,
    status: z.enum(["ok", "failed", "timeout"]),
    value: boundedJson.optional(),
    error: z.string().max(4000).optional(),
    /** What the work cost (`costOf` its model tokens, sandbox time, master calls); charged even when the result comes too late. */
    tiki: z.number().int().min(0).optional(),
  }),
  /** The being's Tiki limit changed (a grant or a cut). */
  z.strictObject({ kind: z.literal("budget_update"), limit: z.number().int().min(0, "a Tiki limit cannot be negative") }),
  /** The user or the master pauses or resumes the being. */
  z.strictObject({ kind: z.literal("command"), command: z.enum(["pause", "resume"]) }),
  /** A new goal for supervision; higher priority first. */
  z.strictObject({ kind: z.literal("goal"), id: idSchema, description: z.string().min(1).max(4000), priority: z.number().finite().optional() }),
]);

export type MindInput = z.input<typeof mindInputSchema>;
export type MessageInput = Extract<MindInput, { kind: "message" }>;

/** Parses anything (postMessage data, a room message) into a mind input, or says what is wrong. Never throws. */
export function parseMindInput(value: unknown): Result<MindInput, string> {
  const parsed = mindInputSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "input"}: ${issue.message}`);
  return { ok: false, error: `not a valid mind input: ${issues.join("; ")}` };
}

// ---------------------------------------------------------------- state

/** `normal`: acting on its plans. `exploring`: some expectation failed; plans wait until every violation is explained. */
export type MindMode = "normal" | "exploring";
/** `halted` happens to a being whose budget ran out; a budget_update wakes it. */
export type MindRun = "running" | "paused" | "halted";

/** Hard rules the reflex enforces on every outward action (send_message, acknowledge, start_operation), whichever layer proposed it. */
export interface SafetyRules {
  /** Outward action kinds (`send_message`) or operation kinds (`start_operation:plan`) this being may not do. */
  readonly forbidden: readonly string[];
  /** Outward actions (send_message, acknowledge, start_operation) per rolling second. */
  readonly maxActionsPerSecond: number;
}

export interface MindConfig {
  /** Milliseconds between ticks of each layer. */
  readonly periods: Readonly<Record<MindLayer, number>>;
  readonly safety: SafetyRules;
  readonly numericTolerance: number;
  readonly planTimeoutMs: number;
  readonly exploreTimeoutMs: number;
  readonly maxGoalAttempts: number;
}

/** What the being knows of one key of its world. An absent field is unknown (JSON null is a value). */
export interface WorldEntry {
  readonly expected?: Json;
  readonly observed?: Json;
  readonly observed_at?: number;
}

/** A pending change to the world model, queued by the reflex or supervision for the situation layer. */
export interface WorldUpdate {
  readonly kind: "perception" | "expectation";
  readonly key: string;
  readonly value: Json;
  readonly at: number;
}

export interface Violation {
  readonly key: string;
  readonly expected: Json;
  readonly observed: Json;
  readonly since: number;
}

export interface Goal {
  readonly id: string;
  readonly description: string;
  readonly priority: number;
  readonly status: "pending" | "active";
  readonly attempts: number;
  /** Set for a goal that answers a message: who to answer and which message. */
  readonly reply?: { readonly to: string; readonly message_id: string };
  readonly trace?: TraceContext;
}

export type OperationKind = "plan" | "explore";
export type OperationStatus = "pending" | "ok" | "failed" | "timeout";

/** Slow work in flight (a reasoner call), started by supervision, settled by a result or its deadline. */
export interface Operation {
  readonly id: string;
  readonly kind: OperationKind;
  readonly goal_id?: string;
  readonly started_at: number;
  readonly deadline: number;
  readonly status: OperationStatus;
  readonly value?: Json;
  readonly error?: string;
  /** The trace position of the decision that started it; results continue that trace. */
  readonly trace: TraceContext;
}

export type InterruptReason = "message" | "operation" | "violation" | "world_update";
export interface Interrupt {
  readonly reason: InterruptReason;
  readonly ref: string;
  readonly at: number;
}

export interface MindStats {
  readonly ticks: Readonly<Record<MindLayer, number>>;
  readonly plans_ok: number;
  readonly plans_failed: number;
  readonly ignored_results: number;
  readonly blocked_actions: number;
  readonly dropped_inputs: number;
}

/** Everything a mind is. Plain JSON: snapshot it, ship it, replay it. */
export interface MindState {
  readonly soul: string;
  readonly branch: string;
  readonly config: MindConfig;
  readonly run: MindRun;
  readonly mode: MindMode;
  readonly budget: Budget;
  /** Inputs not handled yet; `wake` is set when one arrives, so the reflex runs at once. */
  readonly inbox: readonly MindInput[];
  readonly wake: boolean;
  readonly updates: readonly WorldUpdate[];
  /** Messages acknowledged by the reflex, waiting for supervision to turn them into goals. */
  readonly unread: readonly (MessageInput & { readonly trace: TraceContext })[];
  readonly world: Readonly<Record<string, WorldEntry>>;
  readonly violations: Readonly<Record<string, Violation>>;
  readonly goals: readonly Goal[];
  readonly operations: Readonly<Record<string, Operation>>;
  readonly interrupts: Readonly<Record<"situation" | "supervision", readonly Interrupt[]>>;
  /** When each layer last ran (its cadence slot, not the late wake-up time); null before its first run. */
  readonly lastRunAt: Readonly<Record<MindLayer, number | null>>;
  /** Times of recent outward actions, for the rate rule. */
  readonly recentActions: readonly number[];
  /** The last operation number handed out. */
  readonly seq: number;
  readonly stats: MindStats;
}

// ---------------------------------------------------------------- actions

/** What the runtime must do. Everything the mind decides is also in an `emit`. */
export type MindAction =
  /** Append to the outbox (M9). */
  | { readonly kind: "emit"; readonly event: EventEnvelope<"being.decision"> }
  /** Start slow work and report back with an `operation_result` of this id (a result after `deadline` is ignored). */
  | {
      readonly kind: "start_operation";
      readonly operation: {
        readonly id: string;
        readonly kind: OperationKind;
        readonly input: JsonObject;
        readonly timeout_ms: number;
        readonly deadline: number;
      };
      readonly trace: TraceContext;
    }
  /** Abort work whose answer is no longer wanted. */
  | { readonly kind: "cancel_operation"; readonly id: string; readonly reason: string }
  /** Send a `being.message` (as a child of `trace`). */
  | { readonly kind: "send_message"; readonly to: string; readonly text: string; readonly reply_to?: string; readonly trace: TraceContext }
  /** Tell the sender the message arrived (a read receipt), before any answer. */
  | { readonly kind: "acknowledge"; readonly message_id: string; readonly to: string }
  /** Show something to the user. */
  | { readonly kind: "notify"; readonly level: "info" | "warning"; readonly text: string }
  | { readonly kind: "set_mode"; readonly mode: MindMode }
  /** Stop all work: cancel operations, stop ticking until an input arrives. */
  | { readonly kind: "halt"; readonly reason: string };

/** A layer's answer: the next state and what to do. */
export interface LayerResult {
  readonly state: MindState;
  readonly actions: readonly MindAction[];
}

import type { EventEnvelope, RandomBytes } from "../events";
import type { TikiStep } from "../tiki";
import type { Expr, Stmt } from "./ast";
import type { LuxStep } from "./runTypes";
import type { LuxHost } from "./LuxHost";
import type { LuxRuntimeError } from "./LuxRuntimeError";
import type { LuxValue } from "./values";

/** What a statement needs from the run that executes it: values, costs, the host, and errors that name the step. */
export interface StepContext {
  readonly host: LuxHost;
  readonly signal: AbortSignal;
  readonly variables: Map<string, LuxValue>;
  /** The run's root event: EMIT events join its trace. */
  readonly root: EventEnvelope;
  /** Who runs it, as an event source. */
  readonly source: string;
  readonly randomBytes: RandomBytes | undefined;
  evaluate(e: Expr, stmt: Stmt): LuxValue;
  /** Evaluates `e`, which must be text; `what` names the place in the error. */
  text(e: Expr, stmt: Stmt, what: string): string;
  /** The built-in embedding of `text`, cached for the run. */
  embed(text: string): Float32Array;
  /** The embedding of `text` if this run made it already; computes nothing. */
  embedded(text: string): Float32Array | undefined;
  /** Pays for a step before it acts, or stops the run naming the step, its line and the spend. */
  charge(stmt: Stmt, steps: TikiStep[]): void;
  /** Adds Tiki measured after the fact (sandbox time) to the budget and the step under way. */
  spend(tiki: number): void;
  /** Charges `steps` (if any) and records the finished step: the trace line and its event. */
  pay(stmt: Stmt, steps: TikiStep[], output: LuxValue): LuxStep;
  /** Awaits a host call; a failure becomes a LuxRuntimeError naming the step. */
  call<T>(stmt: Stmt, fn: () => Promise<T>): Promise<T>;
  error(reason: "type_error" | "host_error" | "interrupted", stmt: Stmt, message: string): LuxRuntimeError;
}

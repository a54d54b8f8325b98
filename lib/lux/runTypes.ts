import type { EventEnvelope, RandomBytes, TraceContext } from "../events";
import type { LuxHost } from "./LuxHost";
import type { LuxRuntimeError } from "./LuxRuntimeError";
import type { LuxValue } from "./values";

export interface RunOptions {
  readonly host: LuxHost;
  /** Tiki the run may spend; defaults to DEFAULT_BUDGET. */
  readonly budget?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Who runs it, as an event source: the being's soul, or `master`. */
  readonly source?: string | undefined;
  /** The parent span, when the run is part of a larger trace. */
  readonly trace?: TraceContext | undefined;
  /** Ids from a seed instead of crypto, for reproducible tests. */
  readonly randomBytes?: RandomBytes | undefined;
  /** A hard bound on steps whatever the budget; defaults to MAX_STEPS. */
  readonly maxSteps?: number | undefined;
  /** Variables defined before the first line. */
  readonly variables?: Record<string, LuxValue> | undefined;
}

/** One executed step of the trace. */
export interface LuxStep {
  readonly index: number;
  readonly statement: string;
  readonly line: number;
  readonly column: number;
  /** A one-line summary of what the step produced. */
  readonly output: string;
  readonly tiki: number;
  /** Tiki spent by the run so far, this step included. */
  readonly spent: number;
  readonly event: EventEnvelope;
}

export interface LuxRunResult {
  readonly ok: boolean;
  readonly steps: LuxStep[];
  readonly spent: number;
  readonly variables: Map<string, LuxValue>;
  readonly error: LuxRuntimeError | null;
  readonly traceid: string;
}

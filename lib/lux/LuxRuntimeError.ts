import type { Span } from "./ast";

export type LuxRuntimeReason = "over_budget" | "interrupted" | "type_error" | "host_error" | "step_limit" | "invalid_program";

/** A run stopped: `message` names the step, its line and, for budgets, the spend. */
export class LuxRuntimeError extends Error {
  override readonly name = "LuxRuntimeError";
  constructor(
    readonly reason: LuxRuntimeReason,
    message: string,
    readonly span: Span | null = null,
    readonly statement: string | null = null,
  ) {
    super(message);
  }
}

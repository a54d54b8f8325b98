/** Why a reasoner call failed. */
export type ReasonerErrorReason =
  /** The reasoner cannot run here: no WebGPU adapter, no weights, no endpoint configured. */
  | "unavailable"
  /** The caller's signal aborted the call. */
  | "aborted"
  /** The model took longer than allowed. */
  | "timeout"
  /** The model or endpoint failed (an error status, a crash, a lost GPU device). */
  | "failed"
  /** The call itself was wrong (no messages, a limit out of range). */
  | "invalid";

/** A reasoner call that failed, with a reason code and a message that says what to do. */
export class ReasonerError extends Error {
  override name = "ReasonerError";
  constructor(
    readonly reason: ReasonerErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Rejects with `aborted` when the signal already fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new ReasonerError("aborted", `${what} was cancelled`, { cause: signal.reason });
}

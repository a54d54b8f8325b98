import "../serverOnly";

/** Why a store call failed, as a code callers can switch on. */
export const StoreErrorReason = {
  NOT_FOUND: "NOT_FOUND",
  MISSING_ENDPOINT: "MISSING_ENDPOINT",
  CONFLICT: "CONFLICT",
  CORE_IMMUTABLE: "CORE_IMMUTABLE",
  INVALID: "INVALID",
  UNAVAILABLE: "UNAVAILABLE",
  /** A step would pass a Tiki budget (issue 8); the message names the spend. */
  OVER_BUDGET: "OVER_BUDGET",
} as const;
export type StoreErrorReason = (typeof StoreErrorReason)[keyof typeof StoreErrorReason];

/** An expected failure of the master store, with a message a person can act on. */
export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
  ) {
    super(message);
  }
}

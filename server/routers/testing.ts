import "../serverOnly";
import { TRPCError } from "@trpc/server";

/** Awaits a procedure call that must fail and answers its TRPCError (tests). */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

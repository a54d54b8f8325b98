"use client";
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { AppRouter } from "../../server/root";
import { BRANCH_AWARE_PATHS, inBranch } from "../../lib/branches/inBranch";
import { currentBranch } from "../_lib/currentBranch";

/**
 * Adds the app's current branch to every branch-aware call that does not name one, so switching the
 * branch switches every view. Calls that name a branch (the branches page comparing two) keep theirs.
 */
export const branchLink: TRPCLink<AppRouter> = () => {
  return ({ op, next }) =>
    observable((observer) => {
      // NOTE: only the branch-aware reads and writes: a relationship's branch tags stay what the page says.
      const input = BRANCH_AWARE_PATHS.has(op.path) ? inBranch(op.path, op.input, currentBranch().id) : op.input;
      return next(input === op.input ? op : { ...op, input }).subscribe(observer);
    });
};

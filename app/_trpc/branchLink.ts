"use client";
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { AppRouter } from "../../server/root";
import { currentBranch } from "../_lib/currentBranch";

/** Procedures whose input takes `branch`: the views of the world that switch with the app's branch. */
const BRANCH_AWARE = new Set([
  "beings.get",
  "beings.list",
  "beings.create",
  "beings.update",
  "beings.delete",
  "knowledge.ask",
  "knowledge.pull",
  "relationships.create",
  "relationships.get",
  "relationships.update",
  "relationships.delete",
  "relationships.list",
  "relationships.neighbors",
  "relationships.path",
]);

/**
 * Adds the app's current branch to every branch-aware call that does not name one, so switching the
 * branch switches every view. Calls that name a branch (the branches page comparing two) keep theirs.
 */
export const branchLink: TRPCLink<AppRouter> = () => {
  return ({ op, next }) =>
    observable((observer) => {
      const input = op.input;
      const branch = currentBranch().id;
      const carries = BRANCH_AWARE.has(op.path) && typeof input === "object" && input !== null && !Array.isArray(input) && !("branch" in input);
      const withBranch = carries && branch !== "main" ? { ...op, input: { ...input, branch } } : op;
      return next(withBranch).subscribe(observer);
    });
};

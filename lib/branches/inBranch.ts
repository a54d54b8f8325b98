/**
 * The one list of master procedures whose input names a branch, and the one way a call is put in a branch:
 * the app's tRPC link (app/_trpc/branchLink.ts) and a being's Lux run in a branch (workers/being/LuxRunner.ts)
 * both go through `inBranch`, so a read sees the branch and a write lands in it, whoever makes the call.
 */
import { MAIN_BRANCH } from "../constants";

/** Procedures whose input takes `branch` (the view of the world that read or write happens in). */
export const BRANCH_AWARE_PATHS: ReadonlySet<string> = new Set([
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

/** Procedures that charge themselves to a `spend` scope (lux.fetch: LOAD url): in a branch, to that branch. */
const SELF_CHARGING: ReadonlySet<string> = new Set(["lux.fetch"]);

function isObject(input: unknown): input is Record<string, unknown> {
  return typeof input === "object" && input !== null && !Array.isArray(input);
}

/**
 * `input` for a call of `path` made in `branch`: a branch-aware input gets `branch` (a self-charging call its
 * `spend` scope), unless it names one itself; anything else, and everything
 * in main, is passed as it is.
 *
 * @example inBranch("beings.list", { tags_any: ["ticket"] }, branch) // → { tags_any: ["ticket"], branch }
 */
export function inBranch(path: string, input: unknown, branch: string): unknown {
  if (branch === MAIN_BRANCH || !isObject(input)) return input;
  if (BRANCH_AWARE_PATHS.has(path) && !("branch" in input)) return { ...input, branch };
  if (SELF_CHARGING.has(path) && !("spend" in input)) return { ...input, spend: { branch } };
  return input;
}

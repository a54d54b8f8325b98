import "../serverOnly";
import { BRANCH_TAG, branchAttributesSchema, type Branch, type BranchAttributes } from "../../lib/branches/schemas";
import { MAIN_BRANCH } from "../../lib/constants";
import type { SqlExecutor } from "./driver";
import { StoreError } from "./errors";

/** What one branch sees: its id and the branches whose rows it reads, nearest first. */
export interface BranchView {
  readonly id: string;
  readonly visible: readonly string[];
}

export const MAIN_VIEW: BranchView = { id: MAIN_BRANCH, visible: [MAIN_BRANCH] };

interface BranchRecord {
  readonly name: string;
  readonly purpose: string;
  readonly attributes: BranchAttributes;
}

/** Resolves branch ids to views. Lineage (parent, isolation, subscriptions) never changes after a fork, so views are cached. */
export interface BranchViews {
  /** Reads through `q` on a cache miss (pass the transaction when inside one: PGlite has a single connection). */
  view(branch: string, q?: SqlExecutor): Promise<BranchView>;
  /** The branch as it is now (status included), read in `q` (a transaction when the caller writes). */
  load(q: SqlExecutor, branch: string): Promise<Branch>;
  /** Throws unless the branch takes writes now; locks its row against a concurrent merge or drop until `q` ends. */
  assertWritable(q: SqlExecutor, view: BranchView): Promise<void>;
}

async function readRecord(q: SqlExecutor, branch: string, lock = false): Promise<BranchRecord> {
  const [row] = await q.query<{ genesis: { name?: string; purpose?: string }; attributes: unknown }>(
    `SELECT genesis, attributes FROM base_beings WHERE soul = $1::uuid AND tags @> ARRAY['${BRANCH_TAG}']::text[] AND 'main' = ANY(branches)${lock ? " FOR UPDATE" : ""}`,
    [branch],
  );
  if (!row) throw new StoreError("NOT_FOUND", `Branch ${branch} does not exist: fork one with branches.fork, or use "main".`);
  return { name: row.genesis.name ?? branch, purpose: row.genesis.purpose ?? "", attributes: branchAttributesSchema.parse(row.attributes) };
}

export function createBranchViews(driver: SqlExecutor): BranchViews {
  const cache = new Map<string, Promise<BranchView>>();

  async function compute(branch: string, q: SqlExecutor): Promise<BranchView> {
    const { attributes } = await readRecord(q, branch);
    switch (attributes.isolation) {
      case "isolated":
        return { id: branch, visible: [branch] };
      case "subscribe":
        return { id: branch, visible: [branch, ...attributes.subscribe.filter((b) => b !== branch)] };
      case "read-through": {
        const parent = await view(attributes.parent, q);
        return { id: branch, visible: [branch, ...parent.visible.filter((b) => b !== branch)] };
      }
    }
  }

  function view(branch: string, q: SqlExecutor = driver): Promise<BranchView> {
    if (branch === MAIN_BRANCH) return Promise.resolve(MAIN_VIEW);
    let found = cache.get(branch);
    if (!found) {
      found = compute(branch, q);
      cache.set(branch, found);
      // NOTE: a failed lookup (no such branch yet) is not remembered: the branch may be forked a moment later.
      found.catch(() => cache.delete(branch));
    }
    return found;
  }

  return {
    view,
    async load(q, branch) {
      if (branch === MAIN_BRANCH) return mainBranch();
      const record = await readRecord(q, branch);
      return toBranch(branch, record, (await view(branch, q)).visible);
    },
    async assertWritable(q, v) {
      if (v.id === MAIN_BRANCH) return;
      const { name, attributes } = await readRecord(q, v.id, true);
      if (attributes.status !== "open") {
        throw new StoreError("CONFLICT", `Branch "${name}" is ${attributes.status} and takes no more writes: fork a new branch from it or from main.`);
      }
    },
  };
}

export function mainBranch(): Branch {
  return {
    id: MAIN_BRANCH,
    name: MAIN_BRANCH,
    purpose: "The world as it is.",
    parent: null,
    isolation: "isolated",
    subscribe: [],
    creator: null,
    budget: null,
    status: "open",
    forked_at: "",
    closed_at: null,
    visible: [MAIN_BRANCH],
  };
}

export function toBranch(id: string, record: BranchRecord, visible: readonly string[]): Branch {
  const a = record.attributes;
  return {
    id,
    name: record.name,
    purpose: record.purpose,
    parent: a.parent,
    isolation: a.isolation,
    subscribe: a.subscribe,
    creator: a.creator,
    budget: a.budget,
    status: a.status,
    forked_at: a.forked_at,
    closed_at: a.closed_at,
    visible: [...visible],
  };
}

/**
 * A new row's `branches` tags in the branch it is created in: main keeps what the caller gave; a branch tags
 * its rows with itself alone. `noun` names the row in the refusal ("being", "relationship").
 */
export function newRowBranches(input: { readonly branches?: readonly string[] | undefined; readonly branch?: string | undefined }, noun: string): string[] {
  const branch = input.branch ?? MAIN_BRANCH;
  if (branch === MAIN_BRANCH) return input.branches ? [...input.branches] : [MAIN_BRANCH];
  if (input.branches && (input.branches.length !== 1 || input.branches[0] !== branch)) {
    throw new StoreError(
      "INVALID",
      `A ${noun} created in branch ${branch} belongs to that branch alone: omit branches, or send exactly [${JSON.stringify(branch)}].`,
    );
  }
  return [branch];
}

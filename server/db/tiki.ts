import "../serverOnly";
import type { LedgerEntry, LedgerRow, SpendScope, TaskBudget, TikiSummary } from "../../lib/tikiLedger";
import { MAIN_BRANCH } from "../../lib/constants";
import { BRANCH_TAG } from "../../lib/branches/schemas";
import type { SqlDriver } from "./driver";
import { StoreError } from "./errors";

/** The master's Tiki ledger (issue 8): every spend per being, task and branch, and the budgets it is held to. */
export interface TikiRepo {
  /** Records spend; entries with a report_id the ledger holds already are skipped (a replayed report). */
  record(entries: readonly LedgerEntry[]): Promise<{ recorded: number; duplicates: number }>;
  /**
   * Sets a task's budget. The first to set it owns it (`by.person`; null: the server's owner); a later change
   * by anyone else applies only with `by.override` (the server's owner), otherwise it throws CONFLICT.
   */
  setBudget(input: { task: string; branch: string; budget: number }, by: { person: string | null; override: boolean }): Promise<TaskBudget>;
  budget(task: string): Promise<TaskBudget | null>;
  /** The beings whose spend the ledger holds under `task` (at most `limit`). */
  taskBeings(task: string, limit: number): Promise<string[]>;
  /**
   * What the task's budget and its branch's budget leave, the smaller of the two (null: no budget applies),
   * and which of them limits.
   */
  remaining(scope: SpendScope): Promise<{ remaining: number | null; limit: string | null; spent: number; budget: number | null }>;
  /** Throws OVER_BUDGET, naming the spend, when `tiki` more would pass a budget. */
  assertAffordable(scope: SpendScope, tiki: number, step: string): Promise<void>;
  ledger(input: { branch?: string | undefined; task?: string | undefined; being?: string | undefined; limit: number }): Promise<LedgerRow[]>;
  summary(branch: string): Promise<TikiSummary>;
}

export function createTikiRepo(driver: SqlDriver): TikiRepo {
  async function budget(task: string): Promise<TaskBudget | null> {
    const [row] = await driver.query<{ task: string; branch: string; owner: string | null; budget: number; spent: number }>(
      `SELECT t.task, t.branch, t.owner::text AS owner, t.budget::float8 AS budget,
         coalesce((SELECT sum(tiki) FROM tiki_ledger l WHERE l.task = t.task), 0)::float8 AS spent
       FROM tiki_budgets t WHERE t.task = $1`,
      [task],
    );
    return row ? { ...row, remaining: Math.max(0, row.budget - row.spent) } : null;
  }

  async function branchBudget(branch: string): Promise<{ budget: number; spent: number } | null> {
    if (branch === MAIN_BRANCH) return null;
    const [row] = await driver.query<{ budget: number | null; spent: number }>(
      `SELECT (attributes ->> 'budget')::float8 AS budget, coalesce((SELECT sum(tiki) FROM tiki_ledger WHERE branch = $1), 0)::float8 AS spent
       FROM base_beings WHERE soul = $1::uuid AND tags @> ARRAY['${BRANCH_TAG}']::text[]`,
      [branch],
    );
    return row && row.budget !== null ? { budget: row.budget, spent: row.spent } : null;
  }

  async function remaining(scope: SpendScope) {
    const options: { remaining: number; limit: string; spent: number; budget: number }[] = [];
    if (scope.task) {
      const t = await budget(scope.task);
      if (t) options.push({ remaining: t.remaining, limit: `task ${scope.task}`, spent: t.spent, budget: t.budget });
    }
    const b = await branchBudget(scope.branch);
    if (b) options.push({ remaining: Math.max(0, b.budget - b.spent), limit: `branch ${scope.branch}`, spent: b.spent, budget: b.budget });
    const tightest = options.sort((x, y) => x.remaining - y.remaining)[0];
    return tightest ?? { remaining: null, limit: null, spent: 0, budget: null };
  }

  return {
    async record(entries) {
      if (entries.length === 0) return { recorded: 0, duplicates: 0 };
      const rows = await driver.query<{ id: string }>(
        `INSERT INTO tiki_ledger (branch, being, task, kind, provider, tiki, ok, detail, report_id)
         SELECT x.branch, x.being, x.task, x.kind, x.provider, x.tiki, x.ok, coalesce(x.detail, '{}'), x.report_id
         FROM jsonb_to_recordset($1::jsonb) AS x(branch text, being uuid, task text, kind text, provider text, tiki float8, ok boolean, detail jsonb, report_id uuid)
         ON CONFLICT (report_id) DO NOTHING
         RETURNING id::text AS id`,
        [
          JSON.stringify(
            entries.map((e) => ({
              branch: e.branch,
              being: e.being ?? null,
              task: e.task ?? null,
              kind: e.kind,
              provider: e.provider ?? null,
              tiki: e.tiki,
              ok: e.ok ?? true,
              detail: e.detail ?? {},
              report_id: e.report_id ?? null,
            })),
          ),
        ],
      );
      return { recorded: rows.length, duplicates: entries.length - rows.length };
    },

    async setBudget(input, by) {
      // NOTE: the owner is checked in the statement itself, so two people setting a new task's budget at once cannot both own it.
      const set = await driver.query(
        `INSERT INTO tiki_budgets (task, branch, budget, owner) VALUES ($1, $2, $3, $4::uuid)
         ON CONFLICT (task) DO UPDATE SET budget = excluded.budget, branch = excluded.branch
         WHERE tiki_budgets.owner IS NOT DISTINCT FROM excluded.owner OR $5::boolean
         RETURNING task`,
        [input.task, input.branch, input.budget, by.person, by.override],
      );
      if (set.length === 0) {
        throw new StoreError(
          "CONFLICT",
          `Task ${input.task} has a budget someone else set, so it was not changed: ask them (or the server's owner) to change it, or budget a task id of your own.`,
        );
      }
      return (await budget(input.task))!;
    },

    budget,

    async taskBeings(task, limit) {
      const rows = await driver.query<{ being: string }>(
        `SELECT DISTINCT being::text AS being FROM tiki_ledger WHERE task = $1 AND being IS NOT NULL LIMIT ${Math.max(1, Math.floor(limit))}`,
        [task],
      );
      return rows.map((r) => r.being);
    },
    remaining,

    async assertAffordable(scope, tiki, step) {
      const left = await remaining(scope);
      if (left.remaining !== null && tiki > left.remaining) {
        throw new StoreError(
          "OVER_BUDGET",
          `${step} would cost ${tiki} Tiki, but ${left.limit} has spent ${left.spent} of its ${left.budget} Tiki (${left.remaining} left): raise the budget (tiki.setBudget) or choose a cheaper step.`,
        );
      }
    },

    async ledger(input) {
      return driver.query<LedgerRow>(
        `SELECT id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, branch, being::text AS being, task, kind, provider,
           tiki::float8 AS tiki, ok, detail
         FROM tiki_ledger
         WHERE ($1::text IS NULL OR branch = $1) AND ($2::text IS NULL OR task = $2) AND ($3::uuid IS NULL OR being = $3::uuid)
         ORDER BY id DESC LIMIT ${input.limit}`,
        [input.branch ?? null, input.task ?? null, input.being ?? null],
      );
    },

    async summary(branch) {
      const rows = await driver.query<{ kind: string; provider: string | null; tiki: number; count: number; failed: number }>(
        `SELECT kind, provider, sum(tiki)::float8 AS tiki, count(*)::int AS count, count(*) FILTER (WHERE NOT ok)::int AS failed
         FROM tiki_ledger WHERE branch = $1 GROUP BY kind, provider ORDER BY sum(tiki) DESC`,
        [branch],
      );
      return { branch, total: rows.reduce((s, r) => s + r.tiki, 0), by_kind: rows };
    },
  };
}

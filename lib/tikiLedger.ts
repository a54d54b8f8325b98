/**
 * The wire contract of the master's Tiki ledger (M7): spend reports from beings, task budgets,
 * routing requests, and what the ledger answers.
 */
import { z } from "zod";
import { MAIN_BRANCH } from "./constants";
import { soulSchema } from "./ids";
import { routeNeedSchema } from "./tikiRouter";
import { branchIdSchema, jsonDocument } from "./schemas";
import type { JsonObject } from "./jsonMergePatch";

/** What a ledger entry paid for. `route` rows record a router's decision (0 Tiki) and why. */
export const LEDGER_KINDS = ["reasoner", "knowledge", "fetch", "lux", "sandbox", "mind", "master", "route"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** A task (or run) id: any short name the caller chooses, such as `lux-run:<uuid>`. */
export const taskIdSchema = z.string().trim().min(1).max(200);

/** Whose spend a call is: optional on every master procedure that costs Tiki. */
export const spendScopeSchema = z.strictObject({
  branch: branchIdSchema.default(MAIN_BRANCH),
  task: taskIdSchema.optional(),
  being: soulSchema.optional(),
});
export type SpendScope = { branch: string; task?: string | undefined; being?: string | undefined };

export interface LedgerEntry {
  branch: string;
  being?: string | null | undefined;
  task?: string | null | undefined;
  kind: LedgerKind;
  provider?: string | null | undefined;
  tiki: number;
  ok?: boolean | undefined;
  detail?: JsonObject | undefined;
  report_id?: string | undefined;
}

/** `tiki.report`: what beings spent on their own (mind ticks, Lux steps, sandbox time), each report once. */
export const tikiReportSchema = z.strictObject({
  /** The being that spent: one report per being, so the access rule can check it. */
  being: soulSchema,
  entries: z
    .array(
      z.strictObject({
        id: z.uuid(),
        branch: branchIdSchema.default(MAIN_BRANCH),
        task: taskIdSchema.optional(),
        kind: z.enum(LEDGER_KINDS),
        provider: z.string().max(64).optional(),
        tiki: z.number().int().min(0).max(1e12),
        ok: z.boolean().default(true),
        detail: jsonDocument("detail").default({}),
      }),
    )
    .min(1)
    .max(500, "at most 500 entries per report"),
});

export const setBudgetSchema = z.strictObject({ task: taskIdSchema, branch: branchIdSchema.default(MAIN_BRANCH), budget: z.number().int().min(0).max(1e12) });

export const routeRequestSchema = z.strictObject({ scope: spendScopeSchema, need: routeNeedSchema });

export const ledgerQuerySchema = z.strictObject({
  branch: branchIdSchema.optional(),
  task: taskIdSchema.optional(),
  being: soulSchema.optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export interface LedgerRow {
  id: string;
  at: string;
  branch: string;
  being: string | null;
  task: string | null;
  kind: LedgerKind;
  provider: string | null;
  tiki: number;
  ok: boolean;
  detail: JsonObject;
}

export interface TaskBudget {
  task: string;
  branch: string;
  /** The person who set the budget first, the only one (with the server's owner) who may change it; null: the server's owner's. */
  owner: string | null;
  budget: number;
  spent: number;
  remaining: number;
}

export interface TikiSummary {
  branch: string;
  total: number;
  by_kind: { kind: string; provider: string | null; tiki: number; count: number; failed: number }[];
}

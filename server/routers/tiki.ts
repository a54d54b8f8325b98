import "../serverOnly";
import { z } from "zod";
import { branchIdSchema } from "../../lib/schemas";
import { ledgerQuerySchema, routeRequestSchema, setBudgetSchema, taskIdSchema, tikiReportSchema } from "../../lib/tikiLedger";
import { route } from "../../lib/tikiRouter";
import type { LlmProvider } from "../../lib/tiki";
import { createTRPCRouter, publicProcedure } from "../trpc";
import type { Context } from "../trpc";

/** The reasoners the master itself can run now: the deterministic one always, the endpoint when configured. */
export function masterProviders(ctx: Pick<Context, "reasoning">): LlmProvider[] {
  return ctx.reasoning.llm ? ["deterministic", "openai_compatible"] : ["deterministic"];
}

/** Tiki (M7): the master's ledger of spend per being, task and branch; task budgets; the router. */
export const tikiRouter = createTRPCRouter({
  /** Spend a being made on its own (mind ticks, Lux steps, sandbox time); each entry id is recorded once. */
  report: publicProcedure
    .meta({ access: { kind: "being", action: "run", field: "being" } })
    .input(tikiReportSchema)
    .mutation(({ ctx, input }) =>
      ctx.store.tiki.record(
        input.entries.map((e) => ({
          branch: e.branch,
          being: input.being,
          task: e.task,
          kind: e.kind,
          provider: e.provider,
          tiki: e.tiki,
          ok: e.ok,
          detail: e.detail,
          report_id: e.id,
        })),
      ),
    ),

  /**
   * Sets (or changes) a task's or run's budget. NOTE: "person" because task ids are free names: whoever sets a
   * task's budget first owns it, and only they (or the server's owner) change it after (ctx.access.requireBudget).
   */
  setBudget: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(setBudgetSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.access.requireBudget(input.task, "change");
      const who = ctx.auth.principal;
      const by = who.kind === "person" ? { person: who.soul, override: who.serverOwner } : { person: null, override: false };
      return ctx.store.tiki.setBudget(input, by);
    }),

  /** A task's budget and what is left of it (null: none set): for its owner, and whoever may read a being that spent under it. */
  budget: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ task: taskIdSchema }))
    .query(async ({ ctx, input }) => {
      await ctx.access.requireBudget(input.task, "read");
      return ctx.store.tiki.budget(input.task);
    }),

  /**
   * Picks the cheapest reasoner that meets the need and fits what the budget leaves, and records the
   * decision and why in the ledger (0 Tiki). `available` defaults to the reasoners the master runs;
   * a page adds webllm when its GPU can.
   */
  route: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(routeRequestSchema.extend({ available: z.array(z.enum(["deterministic", "webllm", "openai_compatible"])).optional() }))
    .mutation(async ({ ctx, input }) => {
      const left = await ctx.store.tiki.remaining(input.scope);
      const decision = route(input.need, left.remaining, input.available ?? masterProviders(ctx));
      await ctx.store.tiki.record([
        {
          branch: input.scope.branch,
          task: input.scope.task,
          being: input.scope.being,
          kind: "route",
          provider: decision.ok ? decision.provider : null,
          tiki: 0,
          ok: decision.ok,
          detail: { why: decision.why, remaining: left.remaining, limit: left.limit, need: input.need, candidates: decision.candidates.map((c) => ({ ...c })) },
        },
      ]);
      return { ...decision, remaining: left.remaining, limit: left.limit };
    }),

  ledger: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(ledgerQuerySchema)
    // NOTE: a being's spend is shown to those who may read the being; the master's own (no being) to every person.
    .query(async ({ ctx, input }) => {
      if (input.being) await ctx.access.requireBeings([input.being], "read");
      const rows = await ctx.store.tiki.ledger(input);
      const readable = await ctx.access.readable([...new Set(rows.flatMap((r) => (r.being ? [r.being] : [])))]);
      return rows.filter((r) => r.being === null || readable.has(r.being));
    }),

  summary: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ branch: branchIdSchema }))
    .query(({ ctx, input }) => ctx.store.tiki.summary(input.branch)),
});

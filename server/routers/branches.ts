import "../serverOnly";
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { branchForkSchema, branchMergeSchema, branchRefSchema, fanOutForkSchema, fanOutRecordSchema, fanOutSchema } from "../../lib/branches/schemas";
import { fanOut, FanOutError, type FanOutCaller } from "../branches/fanOut";
import { forkVariants, recordVariantOutput } from "../branches/fanOutInTab";
import { branchIdSchema } from "../../lib/schemas";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";

/** The caller's person soul, recorded as a branch's creator. */
function personOf(ctx: Context): string | null {
  return ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
}

/** Who runs a fan-out: its branches and outputs become theirs, and its programs see what they may read. */
function callerOf(ctx: Context & { access: { readable: FanOutCaller["readable"]; claim: FanOutCaller["claim"] } }): FanOutCaller {
  return { creator: personOf(ctx), readable: (souls) => ctx.access.readable(souls), claim: (souls) => ctx.access.claim(souls) };
}

/** A fan-out's refusal (a program that does not compile, or that needs a being) is the caller's to fix: 400 with the sentence. */
async function fanOutCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FanOutError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
    throw error;
  }
}

/**
 * Branches of reality (M7): fork the world (one row), see the tree and each branch's figures,
 * preview and merge with conflicts, drop or archive. A branch's id is its branch being's soul, so
 * the being rules of lib/auth/access.ts apply to it.
 */
export const branchesRouter = createTRPCRouter({
  /** main and every branch, parents before children, each with what it sees. */
  tree: publicProcedure.meta({ access: { kind: "person" } }).query(({ ctx }) => ctx.store.branches.tree()),

  get: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ branch: branchIdSchema }))
    .query(({ ctx, input }) => ctx.store.branches.get(input.branch)),

  /** Writes one branch being whatever the size of the world; any person may fork (the branch is theirs to merge or drop). */
  fork: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(branchForkSchema)
    .mutation(async ({ ctx, input }) => {
      const branch = await ctx.store.branches.fork(input, personOf(ctx));
      await ctx.access.claim([branch.id]);
      return branch;
    }),

  /** Side-by-side figures: beings changed and created, facts learned, Tiki spent, success rate. */
  kpis: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ branches: z.array(branchIdSchema).min(1).max(32) }))
    .query(({ ctx, input }) => ctx.store.branches.kpis(input.branches)),

  /** What merging would do, every conflict with both versions; changes nothing. */
  preview: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "branch" } })
    .input(branchRefSchema)
    .query(({ ctx, input }) => ctx.store.branches.preview(input.branch)),

  /** Deep (every change) or shallow (chosen outputs); with an unresolved conflict it changes nothing and answers the conflicts. */
  merge: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "branch" } })
    .input(branchMergeSchema)
    .mutation(({ ctx, input }) => ctx.store.branches.merge(input)),

  drop: publicProcedure
    .meta({ access: { kind: "being", action: "delete", field: "branch" } })
    .input(branchRefSchema)
    .mutation(({ ctx, input }) => ctx.store.branches.drop(input.branch)),

  /**
   * One input through one new branch per variant, the same Lux program in each, run on the master; outputs and figures
   * side by side. The master runs no being: a program with REMEMBER, RECALL, SUMMON, CALL, RUN or LOAD file/rows/url is
   * refused (400) with the sentence that says so; the branches page runs those in being workers (fanOutFork, fanOutRecord).
   */
  fanOut: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(fanOutSchema)
    .mutation(({ ctx, input, signal }) => fanOutCall(() => fanOut(ctx.store, input, callerOf(ctx), signal))),

  /**
   * A fan-out the caller's tab runs: one new branch per variant for one task (`fan-out:<uuid>`), each with a being
   * genesis'd in it (new, or a copy of `being` with the variant's personality) to run the program in a being worker.
   */
  // NOTE: any person, as fork: the branches and beings it makes are claimed for the caller; copying `being` needs read on it.
  fanOutFork: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(fanOutForkSchema)
    .mutation(async ({ ctx, input }) => {
      if (input.being !== undefined) await ctx.access.requireBeings([input.being], "read");
      return fanOutCall(() => forkVariants(ctx.store, input, callerOf(ctx)));
    }),

  /** What a variant's run produced, kept as the branch's output (tag `output`, with its KPIs) for fan-in. */
  // NOTE: edit on the branch: only who may change the fan-out's branch (its creator, claimed at fanOutFork) records its output.
  fanOutRecord: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "branch" } })
    .input(fanOutRecordSchema)
    .mutation(({ ctx, input }) => fanOutCall(() => recordVariantOutput(ctx.store, input, callerOf(ctx)))),

  archive: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "branch" } })
    .input(branchRefSchema)
    .mutation(({ ctx, input }) => ctx.store.branches.archive(input.branch)),
});

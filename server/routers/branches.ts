import "../serverOnly";
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { branchForkSchema, branchMergeSchema, branchRefSchema, fanOutSchema } from "../../lib/branches/schemas";
import { fanOut, FanOutError } from "../branches/fanOut";
import { branchIdSchema } from "../../lib/schemas";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";

/** The caller's person soul, recorded as a branch's creator. */
function personOf(ctx: Context): string | null {
  return ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
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

  /** One input through one new branch per variant, the same Lux program in each; outputs and figures side by side. */
  fanOut: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(fanOutSchema)
    .mutation(async ({ ctx, input, signal }) => {
      try {
        const caller = {
          creator: personOf(ctx),
          readable: (souls: readonly string[]) => ctx.access.readable(souls),
          claim: (souls: readonly string[]) => ctx.access.claim(souls),
        };
        return await fanOut(ctx.store, input, caller, signal);
      } catch (error) {
        if (error instanceof FanOutError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
        throw error;
      }
    }),

  archive: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "branch" } })
    .input(branchRefSchema)
    .mutation(({ ctx, input }) => ctx.store.branches.archive(input.branch)),
});

import "../serverOnly";
import { genesisCreateSchema, genesisDiffSchema, genesisEvolveSchema, genesisImportSchema, genesisVersionSchema } from "../../lib/genesis/wire";
import { soulInputSchema } from "../../lib/schemas";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** Genesis and evolution: beings with source code, their versions, mutations and lineage (issue 7). */
export const genesisRouter = createTRPCRouter({
  create: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(genesisCreateSchema)
    .mutation(async ({ ctx, input }) => {
      if (input.summoned_by) await ctx.access.requireBeings([input.summoned_by], "run");
      // NOTE: a lineage names beings the genealogy view then shows, so a caller may only claim ancestors they may read.
      if (input.ancestors?.length) await ctx.access.requireBeings(input.ancestors, "read");
      const view = await ctx.store.genesis.create(input);
      await ctx.access.claim([view.soul]);
      return view;
    }),
  get: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(soulInputSchema)
    .query(({ ctx, input }) => ctx.store.genesis.get(input.soul)),
  /** Saves a new source: evolution (same soul, new version) or mutation (new being). `dry_run: true` only says which. */
  evolve: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "soul" } })
    .input(genesisEvolveSchema)
    .mutation(async ({ ctx, input }) => {
      const outcome = await ctx.store.genesis.evolve(input);
      // NOTE: a mutation is a new being; it belongs to whoever made it.
      if (outcome.soul && outcome.soul !== input.soul) await ctx.access.claim([outcome.soul]);
      return outcome;
    }),
  reconstruct: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(genesisVersionSchema)
    .query(({ ctx, input }) => ctx.store.genesis.reconstruct(input.soul, input.version)),
  diff: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "a.soul" } })
    .input(genesisDiffSchema)
    .query(async ({ ctx, input }) => {
      await ctx.access.requireBeings([input.b.soul], "read");
      return ctx.store.genesis.diff(input.a, input.b);
    }),
  lineage: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(soulInputSchema)
    .query(({ ctx, input }) => ctx.store.genesis.lineage(input.soul)),
  export: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(soulInputSchema)
    .query(({ ctx, input }) => ctx.store.genesis.export(input.soul)),
  import: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(genesisImportSchema)
    .mutation(async ({ ctx, input }) => {
      const imported = await ctx.store.genesis.import(input.file, { newSoulIfTaken: input.new_soul_if_taken });
      await ctx.access.claim([imported.soul]);
      return imported;
    }),
});

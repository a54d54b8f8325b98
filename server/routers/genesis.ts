import "../serverOnly";
import { genesisCreateSchema, genesisDiffSchema, genesisEvolveSchema, genesisImportSchema, genesisVersionSchema } from "../../lib/genesis/wire";
import { soulInputSchema } from "../../lib/schemas";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** Genesis and evolution: beings with source code, their versions, mutations and lineage (issue 7). */
export const genesisRouter = createTRPCRouter({
  create: publicProcedure.input(genesisCreateSchema).mutation(({ ctx, input }) => ctx.store.genesis.create(input)),
  get: publicProcedure.input(soulInputSchema).query(({ ctx, input }) => ctx.store.genesis.get(input.soul)),
  /** Saves a new source: evolution (same soul, new version) or mutation (new being). `dry_run: true` only says which. */
  evolve: publicProcedure.input(genesisEvolveSchema).mutation(({ ctx, input }) => ctx.store.genesis.evolve(input)),
  reconstruct: publicProcedure.input(genesisVersionSchema).query(({ ctx, input }) => ctx.store.genesis.reconstruct(input.soul, input.version)),
  diff: publicProcedure.input(genesisDiffSchema).query(({ ctx, input }) => ctx.store.genesis.diff(input.a, input.b)),
  lineage: publicProcedure.input(soulInputSchema).query(({ ctx, input }) => ctx.store.genesis.lineage(input.soul)),
  export: publicProcedure.input(soulInputSchema).query(({ ctx, input }) => ctx.store.genesis.export(input.soul)),
  import: publicProcedure
    .input(genesisImportSchema)
    .mutation(({ ctx, input }) => ctx.store.genesis.import(input.file, { newSoulIfTaken: input.new_soul_if_taken })),
});

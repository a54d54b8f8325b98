import "../serverOnly";
import {
  neighborsSchema,
  pathSchema,
  relationshipCreateManySchema,
  relationshipCreateSchema,
  relationshipIdInputSchema,
  relationshipListSchema,
} from "../../lib/schemas";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const relationshipsRouter = createTRPCRouter({
  create: publicProcedure.input(relationshipCreateSchema).mutation(({ ctx, input }) => ctx.store.relationships.create(input)),
  createMany: publicProcedure
    .input(relationshipCreateManySchema)
    .mutation(async ({ ctx, input }) => ({ ids: await ctx.store.relationships.createMany(input.relationships) })),
  get: publicProcedure.input(relationshipIdInputSchema).query(({ ctx, input }) => ctx.store.relationships.get(input.id)),
  delete: publicProcedure.input(relationshipIdInputSchema).mutation(({ ctx, input }) => ctx.store.relationships.delete(input.id)),
  list: publicProcedure.input(relationshipListSchema).query(({ ctx, input }) => ctx.store.relationships.list(input)),
  neighbors: publicProcedure.input(neighborsSchema).query(({ ctx, input }) => ctx.store.relationships.neighbors(input)),
  path: publicProcedure.input(pathSchema).query(({ ctx, input }) => ctx.store.relationships.path(input)),
});

import "../serverOnly";
import { beingCreateManySchema, beingCreateSchema, beingListSchema, beingRefSchema, beingUpdateSchema } from "../../lib/schemas";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const beingsRouter = createTRPCRouter({
  create: publicProcedure.input(beingCreateSchema).mutation(({ ctx, input }) => ctx.store.beings.create(input)),
  createMany: publicProcedure.input(beingCreateManySchema).mutation(async ({ ctx, input }) => ({ souls: await ctx.store.beings.createMany(input.beings) })),
  get: publicProcedure.input(beingRefSchema).query(({ ctx, input }) => ctx.store.beings.get(input.soul, input.branch)),
  update: publicProcedure.input(beingUpdateSchema).mutation(({ ctx, input }) => ctx.store.beings.update(input)),
  delete: publicProcedure.input(beingRefSchema).mutation(({ ctx, input }) => ctx.store.beings.delete(input.soul, input.branch)),
  list: publicProcedure.input(beingListSchema).query(({ ctx, input }) => ctx.store.beings.list(input)),
});

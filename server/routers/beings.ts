import "../serverOnly";
import { beingCreateManySchema, beingCreateSchema, beingListSchema, beingRefSchema, beingUpdateSchema, type BeingCreate } from "../../lib/schemas";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** The room a new being joins: `genesis.room`, when it names one (the creator must be an editor there). */
const roomOf = (b: BeingCreate) => (typeof b.genesis["room"] === "string" ? b.genesis["room"].toLowerCase() : null);

export const beingsRouter = createTRPCRouter({
  // NOTE: "person": any signed-in person may create; the being then belongs to them (and to genesis.room when given).
  create: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(beingCreateSchema)
    .mutation(async ({ ctx, input }) => {
      if (roomOf(input)) await ctx.access.requireRoom(roomOf(input)!, "editor");
      const being = await ctx.store.beings.create(input);
      await ctx.access.claim([being.soul], roomOf(input));
      return being;
    }),
  createMany: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(beingCreateManySchema)
    .mutation(async ({ ctx, input }) => {
      for (const room of new Set(input.beings.map(roomOf))) if (room) await ctx.access.requireRoom(room, "editor");
      const souls = await ctx.store.beings.createMany(input.beings);
      for (const room of new Set(input.beings.map(roomOf)))
        await ctx.access.claim(
          souls.filter((_, i) => roomOf(input.beings[i]!) === room),
          room,
        );
      return { souls };
    }),
  get: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(beingRefSchema)
    .query(({ ctx, input }) => ctx.store.beings.get(input.soul, input.branch)),
  update: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "soul" } })
    .input(beingUpdateSchema)
    .mutation(({ ctx, input }) => ctx.store.beings.update(input)),
  delete: publicProcedure
    .meta({ access: { kind: "being", action: "delete", field: "soul" } })
    .input(beingRefSchema)
    .mutation(({ ctx, input }) => ctx.store.beings.delete(input.soul, input.branch)),
  // NOTE: a page holds only the beings the caller may read, so it can be shorter than `limit`; next_cursor still pages on.
  list: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(beingListSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.store.beings.list(input);
      const readable = await ctx.access.readable(page.items.map((b) => b.soul));
      return { ...page, items: page.items.filter((b) => readable.has(b.soul)) };
    }),
});

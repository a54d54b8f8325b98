import "../serverOnly";
import {
  neighborsSchema,
  pathSchema,
  relationshipCreateManySchema,
  relationshipCreateSchema,
  relationshipIdInputSchema,
  relationshipListSchema,
  relationshipUpdateSchema,
} from "../../lib/schemas";
import type { AccessCheck } from "../auth/accessCheck";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** A relationship is the source being's: linking needs edit on the source and read on the target; seeing one needs read on both ends. */
async function requireEnds(access: AccessCheck, rels: readonly { source_soul: string; target_soul: string }[]): Promise<void> {
  await access.requireBeings([...new Set(rels.map((r) => r.source_soul))], "edit");
  await access.requireBeings([...new Set(rels.map((r) => r.target_soul))], "read");
}

export const relationshipsRouter = createTRPCRouter({
  create: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(relationshipCreateSchema)
    .mutation(async ({ ctx, input }) => {
      await requireEnds(ctx.access, [input]);
      return ctx.store.relationships.create(input);
    }),
  createMany: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(relationshipCreateManySchema)
    .mutation(async ({ ctx, input }) => {
      await requireEnds(ctx.access, input.relationships);
      return { ids: await ctx.store.relationships.createMany(input.relationships) };
    }),
  get: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(relationshipIdInputSchema)
    .query(async ({ ctx, input }) => {
      const rel = await ctx.store.relationships.get(input.id, input.branch);
      await ctx.access.requireBeings([rel.source_soul, rel.target_soul], "read");
      return rel;
    }),
  /** Like delete, changing a relationship needs edit on its source (the relationship is the source being's). */
  update: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(relationshipUpdateSchema)
    .mutation(async ({ ctx, input }) => {
      const rel = await ctx.store.relationships.get(input.id, input.branch);
      await ctx.access.requireBeings([rel.source_soul], "edit");
      return ctx.store.relationships.update(input);
    }),
  delete: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(relationshipIdInputSchema)
    .mutation(async ({ ctx, input }) => {
      const rel = await ctx.store.relationships.get(input.id, input.branch);
      await ctx.access.requireBeings([rel.source_soul], "edit");
      return ctx.store.relationships.delete(input.id, input.branch);
    }),
  // NOTE: a page holds only relationships whose both ends the caller may read; next_cursor still pages on.
  list: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(relationshipListSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.store.relationships.list(input);
      const readable = await ctx.access.readable(page.items.flatMap((r) => [r.source_soul, r.target_soul]));
      return { ...page, items: page.items.filter((r) => readable.has(r.source_soul) && readable.has(r.target_soul)) };
    }),
  neighbors: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(neighborsSchema)
    .query(async ({ ctx, input }) => {
      const hood = await ctx.store.relationships.neighbors(input);
      const readable = await ctx.access.readable(hood.nodes.map((n) => n.soul));
      readable.add(hood.center);
      return {
        ...hood,
        nodes: hood.nodes.filter((n) => readable.has(n.soul)),
        edges: hood.edges.filter((e) => readable.has(e.source_soul) && readable.has(e.target_soul)),
      };
    }),
  path: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "from" } })
    .input(pathSchema)
    .query(async ({ ctx, input }) => {
      await ctx.access.requireBeings([input.to], "read");
      const found = await ctx.store.relationships.path(input);
      const readable = await ctx.access.readable(found.souls);
      // NOTE: a path through a being the caller may not read is no path for them.
      return found.souls.every((s) => readable.has(s)) ? found : { found: false, souls: [], relationships: [] };
    }),
});

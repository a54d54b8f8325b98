import "../serverOnly";
import { eventsPushSchema } from "../../lib/knowledge/contract";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** The master's event log (M9): beings' outboxes flush here. */
export const eventsRouter = createTRPCRouter({
  /** Appends a batch exactly once per event id; answers each event's global sequence number (a replay: the first one). */
  // NOTE: "person", then each event's source: a person may only speak for beings they may run.
  push: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(eventsPushSchema)
    .mutation(async ({ ctx, input }) => {
      const sources = new Set<string>(input.events.map((e) => e.source));
      const rooms = [...sources].filter((s) => s.startsWith("room:")).map((s) => s.slice("room:".length).toLowerCase());
      if (sources.has("master")) await ctx.access.enforce({ kind: "owner" }, undefined);
      for (const room of new Set(rooms)) await ctx.access.requireRoom(room, "editor");
      await ctx.access.requireBeings(
        [...sources].filter((s) => s !== "master" && !s.startsWith("room:")),
        "run",
      );
      return ctx.store.events.push(input.events);
    }),
});

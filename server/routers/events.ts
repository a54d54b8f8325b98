import "../serverOnly";
import { eventsPushSchema } from "../../lib/knowledge/contract";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** The master's event log (M9): beings' outboxes flush here. */
export const eventsRouter = createTRPCRouter({
  /** Appends a batch exactly once per event id; answers each event's global sequence number (a replay: the first one). */
  push: publicProcedure.input(eventsPushSchema).mutation(({ ctx, input }) => ctx.store.events.push(input.events)),
});

import "../serverOnly";
import { z } from "zod";
import { createEvent } from "../../lib/events/createEvent";
import {
  beingAtSchema,
  beingHistorySchema,
  restoreBeingSchema,
  restoreRoomSchema,
  retentionRoomSchema,
  retentionSetSchema,
  roomAtSchema,
  roomHistorySchema,
  timelineExportSchema,
  timelineFilterSchema,
  timelineImportSchema,
  timelineQuerySchema,
  timelineTailSchema,
} from "../../lib/timeline/contract";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** The filter part of a paged input. */
const pick = <T extends { before?: unknown; after?: unknown; limit?: unknown; wait_ms?: unknown; format?: unknown }>(input: T) => {
  const { before: _before, after: _after, limit: _limit, wait_ms: _wait, format: _format, ...filter } = input;
  return filter;
};

/**
 * The flight recorder (issue 9, M9): the master's timeline, time travel over beings and rooms,
 * export and import as CloudEvents and OTLP traces, and per-room retention.
 */
export const timelineRouter = createTRPCRouter({
  /** A page of the log, newest first, filtered by being, room, branch, type (or family `being.*`), trace and time. */
  // NOTE: a query across every being; identity scopes it to what the caller may read.
  query: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(timelineQuerySchema)
    .query(({ ctx, input }) => ctx.store.timeline.query(pick(input), { before: input.before, limit: input.limit })),

  /** The live tail: events after `after`, oldest first; waits up to `wait_ms` for news (a long poll, so it works through any proxy). */
  tail: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(timelineTailSchema)
    .query(async ({ ctx, input, signal }) => {
      const items = await ctx.store.timeline.tail(pick(input), { after: input.after, limit: input.limit, waitMs: input.wait_ms, signal });
      return { items, head: items.at(-1)?.seq ?? input.after };
    }),

  /** Where the log ends now: start a tail here. */
  head: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({}).optional())
    .query(async ({ ctx }) => ({ seq: await ctx.store.timeline.head() })),

  /** Every event of one trace in log order: the waterfall. */
  trace: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ trace: timelineFilterSchema.shape.trace.unwrap() }))
    .query(async ({ ctx, input }) => ({ items: await ctx.store.timeline.trace(input.trace) })),

  /** The versions of a being's master record, newest first (its journal). */
  beingHistory: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(beingHistorySchema)
    .query(async ({ ctx, input }) => ({ items: await ctx.store.timeTravel.beingHistory(input.soul, input) })),

  /** The being as it was in a branch at a moment (a journal seq or a time), rebuilt from a snapshot and the journal. */
  beingAt: publicProcedure
    .meta({ access: { kind: "being", action: "read", field: "soul" } })
    .input(beingAtSchema)
    .query(({ ctx, input }) => ctx.store.timeTravel.beingAt(input.soul, input.branch, input.moment)),

  /** Makes the being what it was at a moment, as a new version (its history keeps every earlier one); logs a master.restore event. */
  restoreBeing: publicProcedure
    .meta({ access: { kind: "being", action: "edit", field: "soul" } })
    .input(restoreBeingSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.store.timeTravel.restoreBeing(input.soul, input.branch, input.moment);
      const event = createEvent({
        type: "master.restore",
        source: "master",
        subject: input.soul,
        branch: input.branch,
        data: { target: `being:${input.soul}`, restored_from_seq: result.restored_from, ...(input.moment.at ? { moment: input.moment.at } : {}) },
      });
      const { acks } = await ctx.store.events.push([event]);
      return { ...result, event: { id: event.id, seq: acks[0]?.seq ?? null } };
    }),

  /** The versions of a room's document (its stored updates), newest first. */
  roomHistory: publicProcedure
    .meta({ access: { kind: "room", role: "viewer", field: "room" } })
    .input(roomHistorySchema)
    .query(async ({ ctx, input }) => ({ items: await ctx.store.timeTravel.roomHistory(input.room, input) })),

  /** The room as it was at a moment: roster, missions, tasks, claims, outcomes, messages and notes. */
  roomAt: publicProcedure
    .meta({ access: { kind: "room", role: "viewer", field: "room" } })
    .input(roomAtSchema)
    .query(({ ctx, input }) => ctx.store.timeTravel.roomAt(input.room, input.moment)),

  /** A new room holding this room's document as it was at a moment; the room itself and its history stay as they are. */
  restoreRoom: publicProcedure
    .meta({ access: { kind: "room", role: "editor", field: "room" } })
    .input(restoreRoomSchema)
    .mutation(async ({ ctx, input }) => {
      const original = await ctx.store.rooms.get(input.room);
      return ctx.store.timeTravel.restoreRoom(input.room, input.moment, original.owner);
    }),

  /** A page of the log, oldest first, as CloudEvents NDJSON or OTLP/JSON traces; follow `next_after` until null. */
  // NOTE: filtered like query; identity scopes it to what the caller may read.
  export: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(timelineExportSchema)
    .query(({ ctx, input }) => ctx.store.timeline.export(pick(input), { format: input.format, after: input.after, limit: input.limit })),

  /** Appends an exported log (CloudEvents NDJSON) in its order; events already logged are skipped. A bad line stores nothing. */
  import: publicProcedure
    .meta({ access: { kind: "owner" } })
    .input(timelineImportSchema)
    .mutation(({ ctx, input }) => ctx.store.timeline.import(input.ndjson)),

  /** Every room's retention policy. */
  retention: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({}).optional())
    .query(async ({ ctx }) => ({ policies: await ctx.store.retention.list() })),

  /** One room's policy and the archives retention wrote for it. */
  roomRetention: publicProcedure
    .meta({ access: { kind: "room", role: "viewer", field: "room" } })
    .input(retentionRoomSchema)
    .query(async ({ ctx, input }) => {
      const policies = await ctx.store.retention.list();
      return { policy: policies.find((p) => p.room === input.room) ?? null, archives: await ctx.store.retention.archives(input.room) };
    }),

  /** Sets how many days a room's events and history stay hot (null: keep everything); the janitor archives the rest. */
  setRetention: publicProcedure
    .meta({ access: { kind: "owner" } })
    .input(retentionSetSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.store.rooms.get(input.room);
      return { policy: await ctx.store.retention.set(input.room, input.hot_days) };
    }),
});

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
import { TRPCError } from "@trpc/server";
import type { TimelineEvent as TimelineItem } from "../db/timeline";
import { soulsNamedBy, traceWrites } from "../db/traceWrites";
import type { AccessCheck } from "../auth/accessCheck";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";

/** The filter part of a paged input. */
const pick = <T extends { before?: unknown; after?: unknown; limit?: unknown; wait_ms?: unknown; format?: unknown; journal?: unknown }>(input: T) => {
  const { before: _before, after: _after, limit: _limit, wait_ms: _wait, format: _format, journal: _journal, ...filter } = input;
  return filter;
};

const SOUL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What a caller may read of the log: the server's owner everything; anyone else the events of a being
 * they may read or of a room they belong to, so a filter naming one of those is required.
 */
async function requireScope(access: AccessCheck, filter: { being?: string; room?: string }): Promise<void> {
  if (access.principal.kind === "person" && access.principal.serverOwner) return;
  if (filter.being) await access.requireBeings([filter.being], "read");
  if (filter.room) await access.requireRoom(filter.room, "viewer");
  if (!filter.being && !filter.room)
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Only the server's owner may read the whole timeline: filter by a being you may read (being) or a room you belong to (room).",
    });
}

/** The events of a trace the caller may read: sent by or about a being they may read, or in a room they belong to. */
async function readableItems(access: AccessCheck, items: readonly TimelineItem[]): Promise<TimelineItem[]> {
  if (access.principal.kind === "person" && access.principal.serverOwner) return [...items];
  const souls = new Set(items.flatMap(({ event }) => [event.source, event.subject ?? ""].filter((s) => SOUL.test(s))));
  const readable = await access.readable([...souls]);
  const roomOf = (item: TimelineItem) => {
    const room = item.event.source.startsWith("room:") ? item.event.source.slice(5) : undefined;
    return room && SOUL.test(room) ? room : undefined;
  };
  const rooms = new Map<string, boolean>();
  for (const room of new Set(items.map(roomOf).filter((r) => r !== undefined))) rooms.set(room, (await access.roleIn(room)) !== null);
  return items.filter(
    ({ event }, i) => readable.has(event.source) || (event.subject !== undefined && readable.has(event.subject)) || rooms.get(roomOf(items[i]!) ?? "") === true,
  );
}

/** The caller's person soul, when signed in as one. */
function personOf(ctx: Context): string | null {
  return ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
}

/**
 * The flight recorder (issue 9, M9): the master's timeline, time travel over beings and rooms,
 * export and import as CloudEvents and OTLP traces, and per-room retention.
 */
export const timelineRouter = createTRPCRouter({
  /** A page of the log, newest first, filtered by being, room, branch, type (or family `being.*`), trace and time. */
  // NOTE: the whole log for the server's owner; a being or room filter the caller may read for everyone else.
  query: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(timelineQuerySchema)
    .query(async ({ ctx, input }) => {
      await requireScope(ctx.access, input);
      return ctx.store.timeline.query(pick(input), { before: input.before, limit: input.limit });
    }),

  /** The live tail: events after `after`, oldest first; waits up to `wait_ms` for news (a long poll, so it works through any proxy). */
  tail: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(timelineTailSchema)
    .query(async ({ ctx, input, signal }) => {
      await requireScope(ctx.access, input);
      const items = await ctx.store.timeline.tail(pick(input), { after: input.after, limit: input.limit, waitMs: input.wait_ms, signal });
      return { items, head: items.at(-1)?.seq ?? input.after };
    }),

  /** Where the log ends now: start a tail here. */
  head: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({}).optional())
    .query(async ({ ctx }) => ({ seq: await ctx.store.timeline.head() })),

  /** Every event of one trace in log order, and the master writes it made (`writes`): the waterfall. */
  trace: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ trace: timelineFilterSchema.shape.trace.unwrap() }))
    .query(async ({ ctx, input }) => {
      const items = await readableItems(ctx.access, await ctx.store.timeline.trace(input.trace));
      // The master writes the trace made (journal rows that recorded its traceparent), to the beings its events name and the caller may read.
      const souls = [...(await ctx.access.readable(soulsNamedBy(items.map((i) => i.event))))];
      return { items, writes: await traceWrites(ctx.store.sql, input.trace, souls) };
    }),

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
      const result = await ctx.store.timeTravel.restoreBeing(input.soul, input.branch, input.moment, { relationships: input.relationships });
      const event = createEvent({
        type: "master.restore",
        source: "master",
        subject: input.soul,
        branch: input.branch,
        data: {
          target: `being:${input.soul}`,
          restored_from_seq: result.restored_from,
          ...(input.moment.at ? { moment: input.moment.at } : {}),
          ...(result.relationships ? { relationships: { ...result.relationships } } : {}),
        },
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
      const restored = await ctx.store.timeTravel.restoreRoom(input.room, input.moment, original.owner);
      // NOTE: the copy is the caller's room: they own it, as if they had created it.
      const person = personOf(ctx);
      if (person) {
        await ctx.store.identity.setRole(restored.room, person, "owner");
        await ctx.store.identity.setHolder([restored.room], { person, room: restored.room });
      }
      return restored;
    }),

  /** A page of the log, oldest first, as CloudEvents NDJSON or OTLP/JSON traces; follow `next_after` until null. */
  // NOTE: scoped like query.
  export: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(timelineExportSchema)
    .query(async ({ ctx, input }) => {
      await requireScope(ctx.access, input);
      return ctx.store.timeline.export(pick(input), { format: input.format, after: input.after, limit: input.limit, journal: input.journal });
    }),

  /** Appends an exported log (CloudEvents NDJSON) in its order; events already logged are skipped. A bad line stores nothing. */
  import: publicProcedure
    .meta({ access: { kind: "owner" } })
    .input(timelineImportSchema)
    .mutation(({ ctx, input }) => ctx.store.timeline.import(input.ndjson)),

  /** The retention policies of the rooms the caller belongs to (the server's owner: every room). */
  retention: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({}).optional())
    .query(async ({ ctx }) => {
      const policies = await ctx.store.retention.list();
      const member = await Promise.all(policies.map((p) => ctx.access.roleIn(p.room)));
      return { policies: policies.filter((_, i) => member[i] !== null) };
    }),

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
    .meta({ access: { kind: "room", role: "owner", field: "room" } })
    .input(retentionSetSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.store.rooms.get(input.room);
      return { policy: await ctx.store.retention.set(input.room, input.hot_days) };
    }),
});

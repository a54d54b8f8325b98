import "../serverOnly";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MAX_NAME_LENGTH } from "../../lib/constants";
import { soulSchema } from "../../lib/ids";
import { DEFAULT_INVITE_TTL_S, MAX_INVITE_TTL_S } from "../rooms/constants";
import { signInvite } from "../rooms/inviteToken";
import { createTRPCRouter, publicProcedure } from "../trpc";

const roomInput = z.strictObject({ room: soulSchema });
const text = (field: string) => z.string().trim().min(1, `${field} cannot be empty`).max(MAX_NAME_LENGTH, `${field} is at most ${MAX_NAME_LENGTH} characters`);

/** Shared rooms: room beings, and signed invites to their websocket at `/rooms/<id>`. */
export const roomsRouter = createTRPCRouter({
  create: publicProcedure.input(z.strictObject({ name: text("name"), owner: text("owner") })).mutation(({ ctx, input }) => ctx.store.rooms.create(input)),
  list: publicProcedure.input(z.strictObject({}).optional()).query(async ({ ctx }) => ({ items: await ctx.store.rooms.list() })),
  get: publicProcedure.input(roomInput).query(({ ctx, input }) => ctx.store.rooms.get(input.room)),
  /** A signed invite: `link` opens the room for `role` until `expires_at`. */
  invite: publicProcedure
    .input(
      roomInput.extend({
        role: z.enum(["editor", "viewer"], { message: 'role is "editor" or "viewer"' }),
        expires_in_s: z
          .number()
          .int()
          .min(60)
          .max(MAX_INVITE_TTL_S, `an invite lasts at most ${MAX_INVITE_TTL_S / 86_400} days`)
          .default(DEFAULT_INVITE_TTL_S),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (!ctx.roomSecret)
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This server has no room secret configured, so it cannot sign invites." });
      const room = await ctx.store.rooms.get(input.room);
      const { token, invite } = signInvite(ctx.roomSecret, room.id, input.role, input.expires_in_s);
      return {
        room: room.id,
        role: invite.role,
        token,
        expires_at: new Date(invite.exp).toISOString(),
        /** The websocket path; connect with `?token=<token>`. */
        ws_path: `/rooms/${room.id}`,
        link: `/rooms/${room.id}?token=${encodeURIComponent(token)}`,
      };
    }),
});

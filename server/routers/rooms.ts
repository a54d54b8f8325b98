import "../serverOnly";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MAX_NAME_LENGTH } from "../../lib/constants";
import { soulSchema } from "../../lib/ids";
import { createRoomDoc, MAX_BRIEF_LENGTH, type MissionId } from "../../lib/rooms";
import { DEFAULT_INVITE_TTL_S, MAX_INVITE_TTL_S } from "../rooms/constants";
import { RoomWriteError } from "../rooms/createRoomServer";
import { signInvite, verifyInvite } from "../rooms/inviteToken";
import type { RoomRole } from "../rooms/protocol";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";

const roomInput = z.strictObject({ room: soulSchema });
const text = (field: string) => z.string().trim().min(1, `${field} cannot be empty`).max(MAX_NAME_LENGTH, `${field} is at most ${MAX_NAME_LENGTH} characters`);

function requireSecret(ctx: Context): Uint8Array {
  if (!ctx.roomSecret) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This server has no room secret configured, so it cannot sign invites." });
  return ctx.roomSecret;
}

/** A signed invite as the API answers it: `link` opens the room for `role` until `expires_at`. */
function inviteFor(secret: Uint8Array, room: string, role: RoomRole, ttlSeconds: number) {
  const { token, invite } = signInvite(secret, room, role, ttlSeconds);
  return {
    room,
    role: invite.role,
    token,
    expires_at: new Date(invite.exp).toISOString(),
    /** The websocket path; connect with `?token=<token>`. */
    ws_path: `/rooms/${room}`,
    link: `/rooms/${room}?token=${encodeURIComponent(token)}`,
  };
}

/** Shared rooms: room beings, and signed invites to their websocket at `/rooms/<id>`. */
export const roomsRouter = createTRPCRouter({
  /**
   * Creates a room and answers it with `invite`: the creator's own editor link (the longest an invite
   * may last), so the owner opens the room through the same token check as everyone else.
   */
  create: publicProcedure.input(z.strictObject({ name: text("name"), owner: text("owner") })).mutation(async ({ ctx, input }) => {
    const secret = requireSecret(ctx);
    const room = await ctx.store.rooms.create(input);
    return { ...room, invite: inviteFor(secret, room.id, "editor", MAX_INVITE_TTL_S) };
  }),
  list: publicProcedure.input(z.strictObject({}).optional()).query(async ({ ctx }) => ({ items: await ctx.store.rooms.list() })),
  get: publicProcedure.input(roomInput).query(({ ctx, input }) => ctx.store.rooms.get(input.room)),
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
      const secret = requireSecret(ctx);
      const room = await ctx.store.rooms.get(input.room);
      return inviteFor(secret, room.id, input.role, input.expires_in_s);
    }),
  /**
   * What a token would do at the room's websocket, without connecting: the page asks before it
   * connects (to show a viewer as read-only) and after a refused upgrade (a browser cannot read the
   * 401/403 itself), so a person sees why.
   */
  checkInvite: publicProcedure.input(roomInput.extend({ token: z.string().max(4096) })).query(({ ctx, input }) => {
    const check = verifyInvite(requireSecret(ctx), input.token, input.room);
    if (check.ok) return { ok: true as const, role: check.invite.role, expires_at: new Date(check.invite.exp).toISOString() };
    return { ok: false as const, reason: check.reason, message: check.message };
  }),
  /**
   * The master, as supervisor, posts a mission into the room's live document (stored in the master
   * and sent to everyone connected). The beings in the room split it into tasks and claim them.
   */
  postMission: publicProcedure
    .input(
      roomInput.extend({
        title: text("title"),
        brief: z.string().trim().max(MAX_BRIEF_LENGTH, `a brief is at most ${MAX_BRIEF_LENGTH} characters`).default(""),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (!ctx.roomServer) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "No room server runs in this process, so missions cannot be posted." });
      const id = `m-${crypto.randomUUID().slice(0, 8)}` as MissionId;
      const at = Date.now();
      try {
        const mission = await ctx.roomServer.write(input.room, (doc) =>
          createRoomDoc(doc).postMission({ id, title: input.title, brief: input.brief, posted_by: "master", at }),
        );
        return { room: input.room, mission: id, ...mission };
      } catch (error) {
        if (error instanceof RoomWriteError)
          throw new TRPCError({ code: error.reason === "too-large" ? "PAYLOAD_TOO_LARGE" : "SERVICE_UNAVAILABLE", message: error.message, cause: error });
        throw error;
      }
    }),
});

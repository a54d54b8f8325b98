import "../serverOnly";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MAX_NAME_LENGTH } from "../../lib/constants";
import { soulSchema } from "../../lib/ids";
import { createRoomDoc, MAX_BRIEF_LENGTH, type MissionId } from "../../lib/rooms";
import { DEFAULT_INVITE_TTL_S, MAX_INVITE_TTL_S } from "../rooms/constants";
import { RoomWriteError } from "../rooms/createRoomServer";
import { inviteRoom, signInvite, verifyInvite } from "../rooms/inviteToken";
import type { RoomRole } from "../rooms/protocol";
import { ROOM_ROLES } from "../../lib/auth/access";
import { socketRole } from "../../lib/auth/policy";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";

const roomInput = z.strictObject({ room: soulSchema });
const text = (field: string) => z.string().trim().min(1, `${field} cannot be empty`).max(MAX_NAME_LENGTH, `${field} is at most ${MAX_NAME_LENGTH} characters`);

function requireSecret(ctx: Pick<Context, "roomSecret">): Uint8Array {
  if (!ctx.roomSecret) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This server has no room secret configured, so it cannot sign invites." });
  return ctx.roomSecret;
}

/**
 * A signed invite as the API answers it: `link` opens the room for `role` until `expires_at`. On a
 * team server (LUXOS_AUTH=required) the link is `/invite/<token>`: whoever accepts it becomes a member
 * with that role, once; the room socket then goes by membership, not by token.
 */
function inviteFor(secret: Uint8Array, room: string, role: RoomRole, ttlSeconds: number, mode: "local" | "required" = "local") {
  const { token, invite } = signInvite(secret, room, role, ttlSeconds);
  return {
    room,
    role: invite.role,
    token,
    expires_at: new Date(invite.exp).toISOString(),
    /** The websocket path; connect with `?token=<token>`. */
    ws_path: `/rooms/${room}`,
    link: mode === "required" ? `/invite/${encodeURIComponent(token)}` : `/rooms/${room}?token=${encodeURIComponent(token)}`,
  };
}

const memberInput = roomInput.extend({ person: soulSchema });

/** Changes (role) or removes (null) a member; a room keeps at least one owner, and the member's sockets reconnect under the new role. */
async function changeMember(ctx: Context, room: string, person: string, role: RoomRole | "owner" | null): Promise<void> {
  const members = await ctx.store.identity.members(room);
  const target = members.find((m) => m.person === person);
  if (!target) throw new TRPCError({ code: "NOT_FOUND", message: `Person ${person} is not a member of this room.` });
  const owners = members.filter((m) => m.role === "owner").length;
  if (target.role === "owner" && role !== "owner" && owners <= 1)
    throw new TRPCError({ code: "CONFLICT", message: "A room keeps at least one owner: make someone else owner first." });
  if (role) await ctx.store.identity.setRole(room, person, role);
  else await ctx.store.identity.removeMember(room, person);
  ctx.roomServer?.disconnect?.(room, person, role ? "your role in this room changed; reconnecting" : "you were removed from this room");
}

/** Checks an invite token's signature and that it is still pending, then makes `person` a member. */
export async function acceptInvite(ctx: Pick<Context, "store" | "roomSecret">, token: string, person: string) {
  const check = verifyInvite(requireSecret(ctx), token, inviteRoom(token));
  if (!check.ok) throw new TRPCError({ code: "BAD_REQUEST", message: check.message });
  const accepted = await ctx.store.identity.acceptInvite(token, person);
  if (!accepted) throw new TRPCError({ code: "CONFLICT", message: "This invite was already used or revoked: ask the room's owner for a new invite link." });
  return accepted;
}

/** Shared rooms: room beings, and signed invites to their websocket at `/rooms/<id>`. */
export const roomsRouter = createTRPCRouter({
  /**
   * Creates a room and answers it with `invite`: the creator's own editor link (the longest an invite
   * may last), so the owner opens the room through the same token check as everyone else.
   */
  // NOTE: the owner is the caller; `owner` (a display name) is only read in LUXOS_AUTH=local, where the UI sends the name chosen for rooms.
  create: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ name: text("name"), owner: text("owner").optional() }))
    .mutation(async ({ ctx, input }) => {
      const secret = requireSecret(ctx);
      const person = ctx.auth.principal.kind === "person" ? ctx.auth.principal : undefined;
      const owner = ctx.auth.mode === "required" && person?.soul ? person.name : (input.owner ?? person?.name ?? "Owner");
      const room = await ctx.store.rooms.create({ name: input.name, owner });
      if (person?.soul) {
        await ctx.store.identity.setRole(room.id, person.soul, "owner");
        await ctx.store.identity.setHolder([room.id], { person: person.soul, room: room.id });
      }
      return { ...room, invite: inviteFor(secret, room.id, "editor", MAX_INVITE_TTL_S) };
    }),
  // NOTE: only the rooms the caller is a member of (the server's owner: all).
  list: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({}).optional())
    .query(async ({ ctx }) => {
      const rooms = await ctx.store.rooms.list();
      const roles = await Promise.all(rooms.map((r) => ctx.access.roleIn(r.id)));
      return { items: rooms.flatMap((room, i) => (roles[i] ? [{ ...room, role: roles[i] }] : [])) };
    }),
  get: publicProcedure
    .meta({ access: { kind: "room", role: "viewer", field: "room" } })
    .input(roomInput)
    .query(({ ctx, input }) => ctx.store.rooms.get(input.room)),
  /** A socket token for the caller's own role in the room, so the room page can connect without an invite link. */
  access: publicProcedure
    .meta({ access: { kind: "room", role: "viewer", field: "room" } })
    .input(roomInput)
    .query(async ({ ctx, input }) => {
      const room = await ctx.store.rooms.get(input.room);
      const role = socketRole(ctx.auth.principal, await ctx.access.roleIn(room.id));
      if (!role) throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of this room: ask its owner for an invite." });
      const { link: _link, ...invite } = inviteFor(requireSecret(ctx), room.id, role, MAX_INVITE_TTL_S);
      return { ...invite, member_role: (await ctx.access.roleIn(room.id)) ?? role };
    }),
  /** The room's members and their roles. */
  members: publicProcedure
    .meta({ access: { kind: "room", role: "viewer", field: "room" } })
    .input(roomInput)
    .query(async ({ ctx, input }) => ({ items: await ctx.store.identity.members((await ctx.store.rooms.get(input.room)).id) })),
  /** Gives a member another role; a room keeps at least one owner. Their open sockets close so the new role applies at once. */
  setRole: publicProcedure
    .meta({ access: { kind: "room", role: "owner", field: "room" } })
    .input(memberInput.extend({ role: z.enum(ROOM_ROLES, { message: 'role is "viewer", "editor" or "owner"' }) }))
    .mutation(async ({ ctx, input }) => {
      await changeMember(ctx, input.room, input.person, input.role);
      return { room: input.room, person: input.person, role: input.role };
    }),
  removeMember: publicProcedure
    .meta({ access: { kind: "room", role: "owner", field: "room" } })
    .input(memberInput)
    .mutation(async ({ ctx, input }) => {
      await changeMember(ctx, input.room, input.person, null);
      return { room: input.room, person: input.person, removed: true };
    }),
  /** Invites not yet accepted, revoked or expired. */
  invites: publicProcedure
    .meta({ access: { kind: "room", role: "owner", field: "room" } })
    .input(roomInput)
    .query(async ({ ctx, input }) => ({ items: await ctx.store.identity.pendingInvites(input.room) })),
  revokeInvite: publicProcedure
    .meta({ access: { kind: "room", role: "owner", field: "room" } })
    .input(roomInput.extend({ id: z.string().regex(/^[0-9a-f]{16}$/u, "an invite id is 16 hex digits (from rooms.invites)") }))
    .mutation(async ({ ctx, input }) => {
      await ctx.store.identity.revokeInvite(input.room, input.id);
      return { room: input.room, id: input.id, revoked: true };
    }),
  /** Accepts an invite link as the signed-in person: they become a member with its role (a stronger role they hold stays). */
  acceptInvite: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ token: z.string().min(1).max(4096) }))
    .mutation(async ({ ctx, input }) => {
      const person = ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
      if (!person)
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "This server runs with LUXOS_AUTH=local: open the invite link itself, there is nobody to add.",
        });
      return acceptInvite(ctx, input.token, person);
    }),
  invite: publicProcedure
    .meta({ access: { kind: "room", role: "owner", field: "room" } })
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
      const invite = inviteFor(secret, room.id, input.role, input.expires_in_s, ctx.auth.mode);
      const by = ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
      await ctx.store.identity.recordInvite({ token: invite.token, room: room.id, role: input.role, createdBy: by, expiresAt: new Date(invite.expires_at) });
      return invite;
    }),
  /**
   * What a token would do at the room's websocket, without connecting: the page asks before it
   * connects (to show a viewer as read-only) and after a refused upgrade (a browser cannot read the
   * 401/403 itself), so a person sees why.
   */
  // NOTE: "anyone": the token is the secret, and the answer says no more than the token already holds.
  checkInvite: publicProcedure
    .meta({ access: { kind: "anyone" } })
    .input(roomInput.extend({ token: z.string().max(4096) }))
    .query(({ ctx, input }) => {
      const check = verifyInvite(requireSecret(ctx), input.token, input.room);
      if (check.ok) return { ok: true as const, role: check.invite.role, expires_at: new Date(check.invite.exp).toISOString() };
      return { ok: false as const, reason: check.reason, message: check.message };
    }),
  /**
   * The master, as supervisor, posts a mission into the room's live document (stored in the master
   * and sent to everyone connected). The beings in the room split it into tasks and claim them.
   */
  postMission: publicProcedure
    .meta({ access: { kind: "room", role: "editor", field: "room" } })
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

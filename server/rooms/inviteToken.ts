import "../serverOnly";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { InvitePayload, RoomRole } from "./protocol";

const payloadSchema = z.strictObject({
  room: z.string().min(1).max(128),
  role: z.enum(["editor", "viewer"]),
  exp: z.number().int().positive(),
  nonce: z.string().min(1).max(64),
});

/** Why a token did not open a room; `status` is the HTTP answer to the upgrade. */
export type InviteRefusal =
  | { reason: "missing"; status: 401; message: string }
  | { reason: "invalid"; status: 401; message: string }
  | { reason: "expired"; status: 401; message: string }
  | { reason: "other-room"; status: 403; message: string };

export type InviteCheck = { ok: true; invite: InvitePayload } | ({ ok: false } & InviteRefusal);

function mac(secret: Uint8Array, body: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** Signs an invite to `room` with `role`, valid for `ttlSeconds`. */
export function signInvite(secret: Uint8Array, room: string, role: RoomRole, ttlSeconds: number, now = Date.now()): { token: string; invite: InvitePayload } {
  const invite: InvitePayload = { room, role, exp: now + ttlSeconds * 1000, nonce: randomBytes(12).toString("base64url") };
  const body = Buffer.from(JSON.stringify(invite)).toString("base64url");
  return { token: `${body}.${mac(secret, body).toString("base64url")}`, invite };
}

/** Checks a token's signature, expiry and room. Never throws. */
export function verifyInvite(secret: Uint8Array, token: string | undefined, room: string, now = Date.now()): InviteCheck {
  if (!token) return { ok: false, reason: "missing", status: 401, message: "No invite token: connect with ?token=<invite token> from an invite link." };
  const invalid = {
    ok: false,
    reason: "invalid",
    status: 401,
    message: "The invite token is not valid here: ask the room's owner for a new invite link.",
  } as const;
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined || token.length > 2048) return invalid;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return invalid;
  }
  const payload = payloadSchema.safeParse(parsed);
  if (!payload.success) return invalid;
  if (payload.data.exp <= now)
    return { ok: false, reason: "expired", status: 401, message: "The invite has expired: ask the room's owner for a new invite link." };
  if (payload.data.room !== room) return { ok: false, reason: "other-room", status: 403, message: "This invite opens another room, not this one." };
  return { ok: true, invite: payload.data };
}

/** The room an invite token names, unverified (verifyInvite checks it); "" when unreadable. */
export function inviteRoom(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null && "room" in parsed && typeof parsed.room === "string" ? parsed.room : "";
  } catch {
    return "";
  }
}

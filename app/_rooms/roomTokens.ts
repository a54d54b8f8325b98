"use client";
/**
 * The invite tokens this browser holds, by room: the creator's own link from rooms.create and the
 * links it joined by. The server checks the token on every connection; this only remembers it.
 */
import { z } from "zod";

export interface StoredInvite {
  readonly token: string;
  readonly role: "editor" | "viewer";
  readonly expires_at: string;
}

export const ROOM_TOKENS_KEY = "luxos.rooms.tokens.v1";
const storedSchema = z.record(z.string(), z.object({ token: z.string().min(1).max(4096), role: z.enum(["editor", "viewer"]), expires_at: z.string() }));

function loadAll(): Record<string, StoredInvite> {
  try {
    const parsed = storedSchema.safeParse(JSON.parse(localStorage.getItem(ROOM_TOKENS_KEY) ?? "{}"));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The invite this browser holds for `room`, if any (expired ones included: the page says so). */
export function loadRoomToken(room: string): StoredInvite | undefined {
  return loadAll()[room];
}

export function saveRoomToken(room: string, invite: StoredInvite): void {
  localStorage.setItem(ROOM_TOKENS_KEY, JSON.stringify({ ...loadAll(), [room]: invite }));
}

export function forgetRoomToken(room: string): void {
  const all = loadAll();
  delete all[room];
  localStorage.setItem(ROOM_TOKENS_KEY, JSON.stringify(all));
}

/** Every room this browser holds an invite to. */
export function heldRooms(): Record<string, StoredInvite> {
  return loadAll();
}

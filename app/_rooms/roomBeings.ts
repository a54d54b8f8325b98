"use client";
/** Which of this browser's beings it added to which room (localStorage), so they rejoin after a reload. */
import { z } from "zod";

export const ROOM_BEINGS_KEY = "luxos.rooms.beings.v1";
const schema = z.record(z.string(), z.array(z.string().uuid()));

function loadAll(): Record<string, string[]> {
  try {
    const parsed = schema.safeParse(JSON.parse(localStorage.getItem(ROOM_BEINGS_KEY) ?? "{}"));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function loadRoomBeings(room: string): string[] {
  return loadAll()[room] ?? [];
}

export function addRoomBeing(room: string, soul: string): string[] {
  const all = loadAll();
  const souls = [...new Set([...(all[room] ?? []), soul])];
  localStorage.setItem(ROOM_BEINGS_KEY, JSON.stringify({ ...all, [room]: souls }));
  return souls;
}

export function removeRoomBeing(room: string, soul: string): string[] {
  const all = loadAll();
  const souls = (all[room] ?? []).filter((s) => s !== soul);
  localStorage.setItem(ROOM_BEINGS_KEY, JSON.stringify({ ...all, [room]: souls }));
  return souls;
}

"use client";
/**
 * Who this browser is in rooms until identity arrives (issue 10): a display name and a colour kept in
 * localStorage, a person id for chat, and a peer id that names this browser as the host of its beings.
 */
import { z } from "zod";

export interface LocalPerson {
  /** `person:<id>`, as room messages name people. */
  readonly id: string;
  readonly name: string;
  /** A CSS colour for the avatar. */
  readonly color: string;
  /** This browser as a room peer: the host of the beings it runs. */
  readonly peer: string;
}

export const PERSON_STORAGE_KEY = "luxos.person.v1";
const COLORS = ["#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#ec4899", "#8b5cf6", "#14b8a6"] as const;

const personSchema = z.object({
  id: z.string().regex(/^person:[A-Za-z0-9._~@-]{1,64}$/),
  name: z.string().min(1).max(60),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
  peer: z.string().regex(/^[A-Za-z0-9._~:-]{1,128}$/),
});

function randomId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 10);
}

/** This browser's person, made (and stored) on first use. */
export function loadLocalPerson(): LocalPerson {
  try {
    const stored = personSchema.safeParse(JSON.parse(localStorage.getItem(PERSON_STORAGE_KEY) ?? "null"));
    if (stored.success) return stored.data;
  } catch {
    // NOTE: unreadable storage is replaced by a fresh person below.
  }
  const id = randomId();
  const person = { id: `person:${id}`, name: `Guest ${id.slice(0, 4)}`, color: COLORS[parseInt(id.slice(0, 2), 16) % COLORS.length]!, peer: `peer-${id}` };
  localStorage.setItem(PERSON_STORAGE_KEY, JSON.stringify(person));
  return person;
}

/** Changes the display name and colour (the ids stay). */
export function saveLocalPerson(patch: { name?: string; color?: string }): LocalPerson {
  const person = personSchema.parse({ ...loadLocalPerson(), ...patch });
  localStorage.setItem(PERSON_STORAGE_KEY, JSON.stringify(person));
  return person;
}

export const PERSON_COLORS = COLORS;

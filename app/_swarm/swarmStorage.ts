/**
 * The beings this browser runs, kept in localStorage so they start again by themselves after a
 * reload or a browser restart. Parsed on the way in: the storage is shared with everything on the origin.
 */
import { z } from "zod";
import type { BeingRecord } from "../../workers/being/api";

/** What the user last asked of a being: it comes back in this state. */
export type Desired = "running" | "paused" | "stopped";

export interface SwarmEntry {
  readonly record: BeingRecord;
  readonly desired: Desired;
}

/** Bumped when the stored shape changes; older entries are ignored rather than misread. */
export const SWARM_STORAGE_KEY = "luxos.swarm.v1";

const periodSchema = z.number().positive().finite();
const entrySchema = z.object({
  record: z.object({
    soul: z.string().min(1),
    name: z.string().min(1),
    personality: z.string(),
    goal: z.string(),
    reasoner: z.enum(["deterministic", "webllm", "openai"]),
    budget: z.number().int().min(0),
    periods: z.object({ reflex: periodSchema.optional(), situation: periodSchema.optional(), supervision: periodSchema.optional() }).optional(),
    branch: z.string().min(1).optional(),
  }),
  desired: z.enum(["running", "paused", "stopped"]),
});

/** The stored entries; a damaged store reads as empty (and says so in the console). */
export function loadSwarmEntries(): SwarmEntry[] {
  const raw = globalThis.localStorage?.getItem(SWARM_STORAGE_KEY);
  if (!raw) return [];
  try {
    const parsed = z.array(entrySchema).safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    console.warn(`[swarm] ignoring the stored swarm: ${parsed.error.issues[0]?.message}`);
  } catch (error) {
    console.warn("[swarm] ignoring the stored swarm: not JSON", error);
  }
  return [];
}

export function saveSwarmEntries(entries: readonly SwarmEntry[]): void {
  globalThis.localStorage?.setItem(SWARM_STORAGE_KEY, JSON.stringify(entries));
}

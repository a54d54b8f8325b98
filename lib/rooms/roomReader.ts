/**
 * Reading the room document: every entry a peer wrote is parsed, and one that does not parse is
 * skipped and reported, never thrown (peers are untrusted).
 */
import * as Y from "yjs";
import type { z } from "zod";
import { soulSchema, type Soul } from "../ids";
import {
  claimSchema,
  missionIdSchema,
  missionSchema,
  outcomeSchema,
  roomMessageSchema,
  rosterEntrySchema,
  taskEntryKey,
  taskIdSchema,
  taskSchema,
  type Claim,
  type Outcome,
  type RoomIssue,
  type RoomMessage,
  type TaskId,
} from "./roomSchema";

/** The document's shared types, for the claim protocol and tests; write through `transact`. */
export interface RoomTypes {
  readonly meta: Y.Map<unknown>;
  readonly roster: Y.Map<unknown>;
  readonly missions: Y.Map<unknown>;
  readonly tasks: Y.Map<unknown>;
  readonly claims: Y.Map<unknown>;
  readonly outcomes: Y.Map<unknown>;
  readonly messages: Y.Array<unknown>;
  readonly notes: Y.Text;
}

/** The room's shared types inside `doc` (top-level, so no two peers can replace each other's). */
export function roomTypesOf(doc: Y.Doc): RoomTypes {
  return {
    meta: doc.getMap("meta"),
    roster: doc.getMap("roster"),
    missions: doc.getMap("missions"),
    tasks: doc.getMap("tasks"),
    claims: doc.getMap("claims"),
    outcomes: doc.getMap("outcomes"),
    messages: doc.getArray("messages"),
    notes: doc.getText("notes"),
  };
}

type Parsed = { ok: true; data: unknown } | { ok: false; message: string };
const parseCache = new WeakMap<z.ZodType, WeakMap<object, Parsed>>();

/**
 * Parses one entry. NOTE: Yjs hands back the same object for an entry until it is overwritten, so
 * the result is cached per object: a being reads the room every tick and must not re-parse it all.
 * Cached results are frozen so no reader can change what the next one sees.
 */
function parseCached<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.output<S> } | { ok: false; message: string } {
  const cacheable = typeof value === "object" && value !== null;
  let bySchema = parseCache.get(schema);
  const hit = cacheable ? bySchema?.get(value) : undefined;
  if (hit) return hit as { ok: true; data: z.output<S> } | { ok: false; message: string };
  const parsed = schema.safeParse(value);
  const result: Parsed = parsed.success
    ? { ok: true, data: typeof parsed.data === "object" && parsed.data !== null ? Object.freeze(parsed.data) : parsed.data }
    : { ok: false, message: parsed.error.issues.map((i) => `${i.path.join(".") || "entry"}: ${i.message}`).join("; ") };
  if (cacheable) {
    if (!bySchema) parseCache.set(schema, (bySchema = new WeakMap()));
    bySchema.set(value, result);
  }
  return result as { ok: true; data: z.output<S> } | { ok: false; message: string };
}

/** Reads the document's entries, parsing each and reporting the ones it skips to `report`. */
export function createRoomReader(types: RoomTypes, report: (issue: RoomIssue) => void) {
  const parse = <S extends z.ZodType>(schema: S, where: RoomIssue["where"], key: string, value: unknown): z.output<S> | undefined => {
    if (value instanceof Y.AbstractType) {
      report({ where, key, message: "a shared type where a plain entry belongs" });
      return undefined;
    }
    const parsed = parseCached(schema, value);
    if (parsed.ok) return parsed.data;
    report({ where, key, message: parsed.message });
    return undefined;
  };
  const keyed = <K, S extends z.ZodType>(map: Y.Map<unknown>, where: RoomIssue["where"], keySchema: z.ZodType<K>, schema: S) => {
    const out = new Map<K, z.output<S>>();
    for (const [rawKey, value] of map.entries()) {
      const key = keySchema.safeParse(rawKey);
      if (!key.success) {
        report({ where, key: rawKey, message: "the key is not a valid id" });
        continue;
      }
      const entry = parse(schema, where, rawKey, value);
      if (entry !== undefined) out.set(key.data, entry);
    }
    return out;
  };

  const missions = () => keyed(types.missions, "missions", missionIdSchema, missionSchema);
  const tasks = (known = missions()) => {
    const all = keyed(types.tasks, "tasks", taskIdSchema, taskSchema);
    for (const [id, task] of all) {
      if (known.has(task.mission)) continue;
      all.delete(id);
      report({ where: "tasks", key: id, message: `its mission ${task.mission} is not on the board` });
    }
    return all;
  };
  /** Entries keyed `${task}:${being}`, grouped by task then being. */
  const perTask = <E extends { task: TaskId }>(map: Y.Map<unknown>, where: "claims" | "outcomes", schema: z.ZodType<E>, being: (entry: E) => Soul) => {
    const out = new Map<TaskId, Map<Soul, E>>();
    for (const [key, value] of map.entries()) {
      const entry = parse(schema, where, key, value);
      if (!entry) continue;
      if (key !== taskEntryKey(entry.task, being(entry))) {
        report({ where, key, message: "the key does not match the entry's task and being" });
        continue;
      }
      let byBeing = out.get(entry.task);
      if (!byBeing) out.set(entry.task, (byBeing = new Map<Soul, E>()));
      byBeing.set(being(entry), entry);
    }
    return out;
  };
  const claims = () => perTask<Claim>(types.claims, "claims", claimSchema, (c) => c.claimant);
  const messages = () => {
    const out: RoomMessage[] = [];
    types.messages.toArray().forEach((value, index) => {
      const message = parse(roomMessageSchema, "messages", String(index), value);
      if (message) out.push(message);
    });
    return out;
  };
  const version = () => {
    const value = types.meta.get("version");
    if (value === undefined) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
    report({ where: "meta", key: "version", message: "version is not a positive integer" });
    return undefined;
  };
  return {
    version,
    roster: () => keyed(types.roster, "roster", soulSchema, rosterEntrySchema),
    missions,
    tasks,
    claims,
    outcomes: () => perTask<Outcome>(types.outcomes, "outcomes", outcomeSchema, (o) => o.by),
    messages,
  };
}

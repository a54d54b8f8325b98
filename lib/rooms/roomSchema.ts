/**
 * The shape of the room document (M8), written down once. The document is shared by untrusted
 * peers, so everything read from it is parsed here; writers build their entries with the same
 * schemas so a reader never refuses what an honest writer wrote.
 *
 * Layout of the Y.Doc (all top-level types, so concurrent writers never replace each other's
 * containers):
 * - `meta`     Y.Map: `version` = ROOM_DOC_VERSION
 * - `roster`   Y.Map<Soul, RosterEntry>
 * - `missions` Y.Map<MissionId, Mission>
 * - `tasks`    Y.Map<TaskId, Task>
 * - `claims`   Y.Map<`${TaskId}:${Soul}`, Claim>    (one entry per claimant of a task)
 * - `outcomes` Y.Map<`${TaskId}:${Soul}`, Outcome>  (one per author, so two beings that both thought
 *   they owned a task during a partition never overwrite each other; the owner's one counts)
 * - `messages` Y.Array<RoomMessage>
 * - `notes`    Y.Text
 */
import { z } from "zod";
import { addressSchema } from "../events/address";
import { soulSchema, type Soul } from "../ids";
import { MAX_BRIEF_LENGTH, MAX_ID_LENGTH, MAX_MESSAGE_TEXT_LENGTH, MAX_NAME_LENGTH, MAX_PEER_ID_LENGTH, MAX_REASON_LENGTH } from "./constants";

export type MissionId = string & { readonly __brand: "MissionId" };
export type TaskId = string & { readonly __brand: "TaskId" };
export type PeerId = string & { readonly __brand: "PeerId" };
/** Who speaks in a room: a being's soul, `master`, `room:<id>`, or a person as `person:<id>`. */
export type Participant = string & { readonly __brand: "Participant" };

const ID = new RegExp(`^[A-Za-z0-9._~-]{1,${MAX_ID_LENGTH}}$`);
const idMessage = `must be 1 to ${MAX_ID_LENGTH} letters, digits or . _ ~ -`;
const PERSON = new RegExp(`^person:[A-Za-z0-9._~@-]{1,${MAX_ID_LENGTH}}$`);

export const missionIdSchema = z
  .string()
  .regex(ID, idMessage)
  .transform((s) => s as MissionId);
export const taskIdSchema = z
  .string()
  .regex(ID, idMessage)
  .transform((s) => s as TaskId);
export const peerIdSchema = z
  .string()
  .regex(new RegExp(`^[A-Za-z0-9._~:-]{1,${MAX_PEER_ID_LENGTH}}$`), `must be 1 to ${MAX_PEER_ID_LENGTH} letters, digits or . _ ~ : -`)
  .transform((s) => s as PeerId);
export const participantSchema = z
  .string()
  .refine((s) => PERSON.test(s) || addressSchema.safeParse(s).success, "must be a being's soul, master, room:<id> or person:<id>")
  .transform((s) => (PERSON.test(s) ? s : addressSchema.parse(s)) as Participant);

/** Milliseconds since the epoch. */
const time = z.number().int().nonnegative();

export const rosterStatusSchema = z.enum(["running", "paused", "left"]);
export type RosterStatus = z.infer<typeof rosterStatusSchema>;

/** A being running in the room, and the peer that hosts it. */
export const rosterEntrySchema = z.object({
  name: z.string().min(1).max(MAX_NAME_LENGTH),
  host: peerIdSchema,
  /** When it joined. */
  since: time,
  status: rosterStatusSchema,
  /** When `status` last changed: the leave timeout counts from here. */
  status_at: time,
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

/** A mission the master (or a person) posted to the room. */
export const missionSchema = z.object({
  title: z.string().min(1).max(MAX_NAME_LENGTH),
  brief: z.string().max(MAX_BRIEF_LENGTH),
  posted_by: participantSchema,
  at: time,
});
export type Mission = z.infer<typeof missionSchema>;

/** One piece of a mission; who owns it follows from its claims, not from a field. */
export const taskSchema = z.object({
  mission: missionIdSchema,
  title: z.string().min(1).max(MAX_NAME_LENGTH),
  detail: z.string().max(MAX_BRIEF_LENGTH),
  created_by: participantSchema,
  at: time,
});
export type Task = z.infer<typeof taskSchema>;

/** One being's bid for a task. The lowest (clock, tiebreak, claimant) wins. */
export const claimSchema = z.object({
  task: taskIdSchema,
  claimant: soulSchema,
  peer: peerIdSchema,
  /** A Lamport clock per task: one more than the highest clock the claimant had seen on the task. */
  clock: z.number().int().positive(),
  /** A random 32-bit number that breaks ties between equal clocks. */
  tiebreak: z.number().int().nonnegative().max(0xffffffff),
  at: time,
});
export type Claim = z.infer<typeof claimSchema>;

/** How a task ended, written by its owner. */
export const outcomeSchema = z.object({
  task: taskIdSchema,
  status: z.enum(["done", "failed"]),
  by: soulSchema,
  at: time,
  note: z.string().max(MAX_REASON_LENGTH),
});
export type Outcome = z.infer<typeof outcomeSchema>;

/** A message in the room: person↔being and being↔being, across peers. */
export const roomMessageSchema = z.object({
  id: z.string().regex(ID, idMessage),
  from: participantSchema,
  to: participantSchema,
  text: z.string().max(MAX_MESSAGE_TEXT_LENGTH),
  at: time,
  reply_to: z.string().regex(ID, idMessage).optional(),
});
export type RoomMessage = z.infer<typeof roomMessageSchema>;

export type TaskStatus = "open" | "claimed" | "done" | "failed";

/** Something a reader skipped because a peer wrote what the schema does not allow. */
export interface RoomIssue {
  readonly where: "meta" | "roster" | "missions" | "tasks" | "claims" | "outcomes" | "messages";
  /** The map key, or the array index as a string. */
  readonly key: string;
  readonly message: string;
}

/** The whole room as plain, checked data: what the pure functions (claims, pickNextTask) read. */
export interface RoomState {
  /** `meta.version`, or undefined when no peer has initialised the document yet. */
  readonly version: number | undefined;
  readonly roster: ReadonlyMap<Soul, RosterEntry>;
  readonly missions: ReadonlyMap<MissionId, Mission>;
  readonly tasks: ReadonlyMap<TaskId, Task>;
  /** Each task's claims, keyed by claimant. */
  readonly claims: ReadonlyMap<TaskId, ReadonlyMap<Soul, Claim>>;
  /** Each task's outcomes, keyed by author; only the owner's counts. */
  readonly outcomes: ReadonlyMap<TaskId, ReadonlyMap<Soul, Outcome>>;
  /** In document order. */
  readonly messages: readonly RoomMessage[];
  readonly notes: string;
  readonly issues: readonly RoomIssue[];
}

/** The key of a being's claim in `claims`, and of its outcome in `outcomes`. */
export function taskEntryKey(task: TaskId, being: Soul): string {
  return `${task}:${being}`;
}

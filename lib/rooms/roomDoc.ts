/**
 * The room document over a Y.Doc: typed accessors that parse what untrusted peers wrote
 * (a malformed entry is skipped and reported, never thrown), mutators that each run as one
 * transaction, and `observe` helpers that return an unsubscribe. Isomorphic: the page, the
 * being's worker and the server all open the same document through this.
 *
 * @example
 * const room = createRoomDoc(new Y.Doc(), { onIssue: (issue) => log.warn(issue) });
 * room.join(soul, { name: "Scout", host: peerId, now: Date.now() });
 * const stop = room.observe("board", () => render(room.read()));
 */
import type * as Y from "yjs";
import type { z } from "zod";
import { soulSchema, type Soul } from "../ids";
import { ROOM_DOC_VERSION } from "./constants";
import { createRoomReader, roomTypesOf, type RoomTypes } from "./roomReader";
import {
  missionIdSchema,
  missionSchema,
  roomMessageSchema,
  rosterEntrySchema,
  taskIdSchema,
  taskSchema,
  type Claim,
  type Mission,
  type MissionId,
  type Outcome,
  type RoomIssue,
  type RoomMessage,
  type RoomState,
  type RosterEntry,
  type RosterStatus,
  type Task,
  type TaskId,
} from "./roomSchema";

export type { RoomTypes } from "./roomReader";

/** A write was refused: a bug in the caller or a document this code cannot write. */
export class RoomDocError extends Error {
  override readonly name = "RoomDocError";
  constructor(
    readonly reason: "unsupported_version" | "invalid_entry" | "unknown_entry" | "exists",
    message: string,
  ) {
    super(message);
  }
}

/** The parts a caller can observe. `board` is missions, tasks, claims and outcomes together. */
export type RoomPart = "roster" | "board" | "messages" | "notes";

export interface RoomDocOptions {
  /** Told about each entry a reader skipped. Defaults to ignoring them (they are also in `read().issues`). */
  onIssue?: ((issue: RoomIssue) => void) | undefined;
}

export interface NewMission {
  id: string;
  title: string;
  brief: string;
  posted_by: string;
  at: number;
}
export interface NewTask {
  id: string;
  title: string;
  detail?: string | undefined;
  created_by: string;
  at: number;
}

export interface RoomDoc {
  readonly doc: Y.Doc;
  readonly types: RoomTypes;
  /** `meta.version`, or undefined before any peer wrote. */
  version(): number | undefined;
  roster(): Map<Soul, RosterEntry>;
  missions(): Map<MissionId, Mission>;
  /** Tasks whose mission is known. */
  tasks(): Map<TaskId, Task>;
  /** Each task's claims, keyed by claimant. */
  claims(): Map<TaskId, Map<Soul, Claim>>;
  /** Each task's outcomes, keyed by author. */
  outcomes(): Map<TaskId, Map<Soul, Outcome>>;
  messages(): RoomMessage[];
  notes(): string;
  /** Everything at once, with the issues of this read. */
  read(): RoomState;
  /** Runs `fn` as one transaction after checking the version (and writing it into a fresh document). */
  transact<T>(fn: (types: RoomTypes) => T): T;
  /** Puts a being on the roster (or back on it) as running on `host`. */
  join(soul: Soul, input: { name: string; host: string; now: number }): RosterEntry;
  /** Changes a rostered being's status; `left` starts the clock after which its claims lapse. */
  setStatus(soul: Soul, status: RosterStatus, now: number): RosterEntry;
  postMission(input: NewMission): Mission;
  /** Adds tasks to a known mission, all in one transaction. */
  addTasks(mission: MissionId, tasks: readonly NewTask[]): Task[];
  sendMessage(input: { id: string; from: string; to: string; text: string; at: number; reply_to?: string | undefined }): RoomMessage;
  insertNotes(index: number, text: string): void;
  deleteNotes(index: number, length: number): void;
  /** Calls `cb` once per transaction that changed `part`; returns the unsubscribe. */
  observe(part: RoomPart, cb: (change: { local: boolean }) => void): () => void;
}

/** Opens the room document inside `doc`. Writes nothing until the first mutation. */
export function createRoomDoc(doc: Y.Doc, options: RoomDocOptions = {}): RoomDoc {
  const types = roomTypesOf(doc);
  const reader = (sink: RoomIssue[] | undefined) =>
    createRoomReader(types, (issue) => {
      sink?.push(issue);
      options.onIssue?.(issue);
    });
  const partTypes: Record<RoomPart, readonly unknown[]> = {
    roster: [types.roster],
    board: [types.missions, types.tasks, types.claims, types.outcomes],
    messages: [types.messages],
    notes: [types.notes],
  };

  const read = reader(undefined);

  function transact<T>(fn: (t: RoomTypes) => T): T {
    const raw = types.meta.get("version");
    if (raw !== undefined && raw !== ROOM_DOC_VERSION) {
      throw new RoomDocError(
        "unsupported_version",
        `this room document is version ${JSON.stringify(raw) ?? typeof raw} and this code writes version ${ROOM_DOC_VERSION}; update LuxOS to edit this room`,
      );
    }
    let result!: T;
    doc.transact(() => {
      if (raw === undefined) types.meta.set("version", ROOM_DOC_VERSION);
      result = fn(types);
    });
    return result;
  }

  /** Parses an entry this peer is about to write, so it never writes what a reader would skip. */
  function checked<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
    const parsed = schema.safeParse(value);
    // NOTE: frozen, because Yjs keeps this very object as the entry: a caller changing it would change the document behind Yjs's back.
    if (parsed.success) return typeof parsed.data === "object" && parsed.data !== null ? (Object.freeze(parsed.data) as z.output<S>) : parsed.data;
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");
    throw new RoomDocError("invalid_entry", `cannot write this ${what}: ${problems}`);
  }

  return {
    doc,
    types,
    version: () => read.version(),
    roster: () => read.roster(),
    missions: () => read.missions(),
    tasks: () => read.tasks(),
    claims: () => read.claims(),
    outcomes: () => read.outcomes(),
    messages: () => read.messages(),
    notes: () => types.notes.toJSON(),
    read() {
      const issues: RoomIssue[] = [];
      const r = reader(issues);
      const missions = r.missions();
      return {
        version: r.version(),
        roster: r.roster(),
        missions,
        tasks: r.tasks(missions),
        claims: r.claims(),
        outcomes: r.outcomes(),
        messages: r.messages(),
        notes: types.notes.toJSON(),
        issues,
      };
    },
    transact,

    join(soul, { name, host, now }) {
      const entry = checked(rosterEntrySchema, { name, host, since: now, status: "running", status_at: now }, "roster entry");
      const key = checked(soulSchema, soul, "soul");
      transact((t) => t.roster.set(key, entry));
      return entry;
    },

    setStatus(soul, status, now) {
      return transact((t) => {
        const current = rosterEntrySchema.safeParse(t.roster.get(soul));
        if (!current.success) throw new RoomDocError("unknown_entry", `being ${soul} is not on this room's roster; join it first`);
        const entry = checked(rosterEntrySchema, { ...current.data, status, status_at: now }, "roster entry");
        t.roster.set(soul, entry);
        return entry;
      });
    },

    postMission({ id, ...fields }) {
      const missionId = checked(missionIdSchema, id, "mission id");
      const mission = checked(missionSchema, fields, "mission");
      transact((t) => {
        if (t.missions.has(missionId)) throw new RoomDocError("exists", `mission ${missionId} is already on the board; pick a new id`);
        t.missions.set(missionId, mission);
      });
      return mission;
    },

    addTasks(mission, input) {
      const entries = input.map(({ id, detail, ...fields }) => {
        const taskId = checked(taskIdSchema, id, "task id");
        return [taskId, checked(taskSchema, { ...fields, detail: detail ?? "", mission }, "task")] as const;
      });
      const ids = new Set(entries.map(([id]) => id));
      if (ids.size !== entries.length) throw new RoomDocError("invalid_entry", "two of these tasks have the same id");
      return transact((t) => {
        if (!missionSchema.safeParse(t.missions.get(mission)).success) throw new RoomDocError("unknown_entry", `mission ${mission} is not on the board`);
        for (const [id] of entries) if (t.tasks.has(id)) throw new RoomDocError("exists", `task ${id} already exists; pick a new id`);
        for (const [id, task] of entries) t.tasks.set(id, task);
        return entries.map(([, task]) => task);
      });
    },

    sendMessage(input) {
      const { reply_to, ...rest } = input;
      const message = checked(roomMessageSchema, reply_to === undefined ? rest : input, "message");
      transact((t) => t.messages.push([message]));
      return message;
    },

    insertNotes(index, text) {
      transact((t) => t.notes.insert(Math.max(0, Math.min(index, t.notes.length)), text));
    },

    deleteNotes(index, length) {
      transact((t) => {
        const from = Math.max(0, Math.min(index, t.notes.length));
        const count = Math.max(0, Math.min(length, t.notes.length - from));
        if (count > 0) t.notes.delete(from, count);
      });
    },

    observe(part, cb) {
      const watched = partTypes[part];
      const handler = (transaction: Y.Transaction) => {
        if ([...transaction.changed.keys()].some((type) => watched.includes(type))) cb({ local: transaction.local });
      };
      doc.on("afterTransaction", handler);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        doc.off("afterTransaction", handler);
      };
    },
  };
}

import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { ROOM_DOC_VERSION } from "./constants";
import { createRoomDoc, RoomDocError } from "./roomDoc";
import { taskEntryKey, type MissionId, type RoomIssue, type TaskId } from "./roomSchema";
import { roomWithMission, syncDocs, T0, testSoul } from "./testing";

const A = testSoul(1);
const B = testSoul(2);

describe("createRoomDoc", () => {
  it("writes nothing until the first mutation, then stamps the version in the same transaction", () => {
    const doc = new Y.Doc();
    const room = createRoomDoc(doc);
    expect(room.version()).toBeUndefined();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    room.join(A, { name: "Scout", host: "peer-1", now: T0 });
    expect(updates).toHaveLength(1);
    expect(room.version()).toBe(ROOM_DOC_VERSION);
  });

  it("refuses to write a document of another version, and says what to do", () => {
    const doc = new Y.Doc();
    doc.getMap("meta").set("version", ROOM_DOC_VERSION + 1);
    const room = createRoomDoc(doc);
    expect(() => room.join(A, { name: "Scout", host: "peer-1", now: T0 })).toThrow(/version 2.*update LuxOS/);
    try {
      room.insertNotes(0, "x");
    } catch (error) {
      expect(error).toBeInstanceOf(RoomDocError);
      expect((error as RoomDocError).reason).toBe("unsupported_version");
    }
    expect(room.notes()).toBe("");
  });
});

describe("roster", () => {
  it("joins, changes status, and reads back the host of each being", () => {
    const room = createRoomDoc(new Y.Doc());
    room.join(A, { name: "Scout", host: "peer-1", now: T0 });
    room.join(B, { name: "Smith", host: "peer-2", now: T0 + 5 });
    expect(room.setStatus(A, "paused", T0 + 10)).toEqual({ name: "Scout", host: "peer-1", since: T0, status: "paused", status_at: T0 + 10 });
    room.setStatus(B, "left", T0 + 20);
    const roster = room.roster();
    expect([...roster.keys()].sort()).toEqual([A, B]);
    expect(roster.get(A)?.status).toBe("paused");
    expect(roster.get(B)).toMatchObject({ host: "peer-2", status: "left", status_at: T0 + 20 });
  });

  it("refuses a status change for a being not on the roster, and bad entries", () => {
    const room = createRoomDoc(new Y.Doc());
    expect(() => room.setStatus(A, "left", T0)).toThrow(/not on this room's roster/);
    expect(() => room.join(A, { name: "", host: "peer-1", now: T0 })).toThrow(RoomDocError);
    expect(() => room.join(A, { name: "Scout", host: "peer 1!", now: T0 })).toThrow(/host/);
    expect(() => room.join("not-a-soul" as never, { name: "Scout", host: "p", now: T0 })).toThrow();
    expect(room.roster().size).toBe(0);
  });
});

describe("mission board", () => {
  it("posts a mission and adds its tasks in one transaction", () => {
    const doc = new Y.Doc();
    const room = createRoomDoc(doc);
    room.postMission({ id: "m1", title: "Ship", brief: "the board", posted_by: "master", at: T0 });
    const transactions = vi.fn();
    doc.on("afterTransaction", transactions);
    const tasks = room.addTasks("m1" as MissionId, [
      { id: "t1", title: "one", created_by: A, at: T0 },
      { id: "t2", title: "two", detail: "more", created_by: "person:ada", at: T0 + 1 },
    ]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(tasks[1]).toEqual({ mission: "m1", title: "two", detail: "more", created_by: "person:ada", at: T0 + 1 });
    expect(room.missions().get("m1" as MissionId)).toEqual({ title: "Ship", brief: "the board", posted_by: "master", at: T0 });
    expect([...room.tasks().keys()]).toEqual(["t1", "t2"]);
  });

  it("refuses duplicate ids, unknown missions and bad ids without writing anything", () => {
    const { room, mission } = roomWithMission(1);
    expect(() => room.postMission({ id: "m1", title: "again", brief: "", posted_by: "master", at: T0 })).toThrow(/already on the board/);
    expect(() => room.postMission({ id: "m 2", title: "x", brief: "", posted_by: "master", at: T0 })).toThrow(/mission id/);
    expect(() => room.addTasks("nope" as MissionId, [{ id: "t9", title: "x", created_by: "master", at: T0 }])).toThrow(/not on the board/);
    expect(() => room.addTasks(mission, [{ id: "t1", title: "x", created_by: "master", at: T0 }])).toThrow(/already exists/);
    expect(() =>
      room.addTasks(mission, [
        { id: "t8", title: "x", created_by: "master", at: T0 },
        { id: "t8", title: "y", created_by: "master", at: T0 },
      ]),
    ).toThrow(/same id/);
    expect(() => room.addTasks(mission, [{ id: "t7", title: "x", created_by: "nobody", at: T0 }])).toThrow(/created_by/);
    expect([...room.tasks().keys()]).toEqual(["t1"]);
  });
});

describe("messages", () => {
  it("carries person↔being and being↔being messages with replies, in order", () => {
    const room = createRoomDoc(new Y.Doc());
    room.sendMessage({ id: "msg1", from: "person:ada", to: A, text: "take t1?", at: T0 });
    room.sendMessage({ id: "msg2", from: A, to: B.toUpperCase(), text: "I have t1", at: T0 + 1, reply_to: "msg1" });
    const messages = room.messages();
    expect(messages.map((m) => m.id)).toEqual(["msg1", "msg2"]);
    expect(messages[1]).toEqual({ id: "msg2", from: A, to: B, text: "I have t1", at: T0 + 1, reply_to: "msg1" });
    expect(messages[0]).not.toHaveProperty("reply_to");
  });

  it("refuses a message with a bad address", () => {
    const room = createRoomDoc(new Y.Doc());
    expect(() => room.sendMessage({ id: "m", from: "ada", to: A, text: "hi", at: T0 })).toThrow(/from/);
    expect(room.messages()).toEqual([]);
  });
});

describe("notes", () => {
  it("inserts and deletes, clamping positions to the text", () => {
    const room = createRoomDoc(new Y.Doc());
    room.insertNotes(0, "hello");
    room.insertNotes(99, " world");
    room.deleteNotes(0, 1);
    room.deleteNotes(3, 100);
    room.deleteNotes(-5, 0);
    expect(room.notes()).toBe("ell");
    expect(room.types.notes.toJSON()).toBe("ell");
  });

  it("merges concurrent edits from two peers", () => {
    const a = createRoomDoc(new Y.Doc());
    const b = createRoomDoc(new Y.Doc());
    a.insertNotes(0, "plan");
    syncDocs(a.doc, b.doc);
    a.insertNotes(4, " A");
    b.insertNotes(0, "B ");
    syncDocs(a.doc, b.doc);
    expect(a.notes()).toBe(b.notes());
    expect(a.notes()).toContain("plan");
  });
});

describe("observe", () => {
  it("calls back once per transaction that touches the part, with local or remote, until unsubscribed", () => {
    const a = createRoomDoc(new Y.Doc());
    const b = createRoomDoc(new Y.Doc());
    const board = vi.fn();
    const roster = vi.fn();
    const stopBoard = b.observe("board", board);
    b.observe("roster", roster);
    a.postMission({ id: "m1", title: "x", brief: "", posted_by: "master", at: T0 });
    a.addTasks("m1" as MissionId, [
      { id: "t1", title: "x", created_by: "master", at: T0 },
      { id: "t2", title: "y", created_by: "master", at: T0 },
    ]);
    syncDocs(a.doc, b.doc);
    expect(board).toHaveBeenCalledTimes(1);
    expect(board).toHaveBeenLastCalledWith({ local: false });
    expect(roster).not.toHaveBeenCalled();
    b.join(A, { name: "Scout", host: "p", now: T0 });
    expect(roster).toHaveBeenLastCalledWith({ local: true });
    stopBoard();
    stopBoard();
    b.postMission({ id: "m2", title: "x", brief: "", posted_by: "master", at: T0 });
    expect(board).toHaveBeenCalledTimes(1);
    const notes = vi.fn();
    const messages = vi.fn();
    b.observe("notes", notes);
    b.observe("messages", messages);
    b.insertNotes(0, "x");
    expect(notes).toHaveBeenCalledTimes(1);
    expect(messages).not.toHaveBeenCalled();
  });
});

describe("malformed entries from an untrusted peer", () => {
  /** A hostile peer writes straight into the shared types, bypassing every check. */
  function poisoned() {
    const { room, taskIds } = roomWithMission(2);
    room.join(A, { name: "Scout", host: "p1", now: T0 });
    const evil = new Y.Doc();
    syncDocs(room.doc, evil);
    const t = {
      roster: evil.getMap("roster"),
      missions: evil.getMap("missions"),
      tasks: evil.getMap("tasks"),
      claims: evil.getMap("claims"),
      outcomes: evil.getMap("outcomes"),
      messages: evil.getArray("messages"),
      meta: evil.getMap("meta"),
    };
    evil.transact(() => {
      t.roster.set("not-a-soul", { name: "x", host: "p", since: 0, status: "running", status_at: 0 });
      t.roster.set(B, { name: "x", host: "p", since: -1, status: "dancing", status_at: 0 });
      t.roster.set(testSoul(3), new Y.Map());
      t.missions.set("m2", "just a string");
      t.missions.set("m 3", { title: "x", brief: "", posted_by: "master", at: 0 });
      t.tasks.set("t9", { mission: "ghost", title: "x", detail: "", created_by: "master", at: 0 });
      t.tasks.set("t8", { mission: "m1", title: 42 });
      t.claims.set(taskEntryKey(taskIds[0]!, B), { task: taskIds[1], claimant: B, peer: "p", clock: 1, tiebreak: 0, at: 0 });
      t.claims.set("t1:junk", null);
      t.claims.set(taskEntryKey(taskIds[1]!, B), { task: taskIds[1], claimant: B, peer: "p", clock: Number.NaN, tiebreak: 0, at: 0 });
      t.outcomes.set("t1", { status: "won", by: B, at: 0, note: "" });
      t.messages.push([{ id: "x", from: "master", to: A, text: 5, at: 0 }, "garbage", { id: "ok", from: "master", to: A, text: "fine", at: 0 }]);
    });
    syncDocs(evil, room.doc);
    return room;
  }

  it("skips each bad entry, keeps the good ones, and reports what it skipped", () => {
    const issues: RoomIssue[] = [];
    const room = createRoomDoc(poisoned().doc, { onIssue: (issue) => issues.push(issue) });
    const state = room.read();
    expect([...state.roster.keys()]).toEqual([A]);
    expect([...state.missions.keys()]).toEqual(["m1"]);
    expect([...state.tasks.keys()].sort()).toEqual(["t1", "t2"]);
    expect(state.claims.size).toBe(0);
    expect(state.outcomes.size).toBe(0);
    expect(state.messages.map((m) => m.id)).toEqual(["ok"]);
    const where = state.issues.map((i) => `${i.where}/${i.key}`).sort();
    expect(where).toEqual(
      [
        "roster/not-a-soul",
        `roster/${B}`,
        `roster/${testSoul(3)}`,
        "missions/m2",
        "missions/m 3",
        "tasks/t9",
        "tasks/t8",
        `claims/${taskEntryKey("t1" as TaskId, B)}`,
        "claims/t1:junk",
        `claims/${taskEntryKey("t2" as TaskId, B)}`,
        "outcomes/t1",
        "messages/0",
        "messages/1",
      ].sort(),
    );
    expect(issues).toEqual(state.issues);
    expect(state.issues.find((i) => i.key === "t9")?.message).toMatch(/mission ghost is not on the board/);
    expect(state.issues.find((i) => i.key === testSoul(3))?.message).toMatch(/shared type/);
  });

  it("hands out frozen entries, so one reader cannot change what the next one reads", () => {
    const room = createRoomDoc(new Y.Doc());
    room.join(A, { name: "Scout", host: "p1", now: T0 });
    const entry = room.roster().get(A)!;
    expect(() => Object.assign(entry, { name: "changed" })).toThrow(TypeError);
    expect(room.roster().get(A)?.name).toBe("Scout");
    room.setStatus(A, "paused", T0 + 1);
    expect(room.roster().get(A)?.status).toBe("paused");
  });

  it("reports a version that is not a number, and the accessors alone never throw", () => {
    const room = poisoned();
    room.doc.getMap("meta").set("version", "one");
    const onIssue = vi.fn();
    const reader = createRoomDoc(room.doc, { onIssue });
    expect(reader.version()).toBeUndefined();
    expect(onIssue).toHaveBeenCalledWith(expect.objectContaining({ where: "meta" }));
    expect(() => [reader.roster(), reader.missions(), reader.tasks(), reader.claims(), reader.outcomes(), reader.messages()]).not.toThrow();
  });
});

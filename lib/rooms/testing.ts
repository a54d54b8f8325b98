/** Fixtures shared by the room tests. */
import * as Y from "yjs";
import type { Soul } from "../ids";
import { createRoomDoc, type RoomDoc } from "./roomDoc";
import type { MissionId, TaskId } from "./roomSchema";

/** A deterministic soul for test number `n`. */
export function testSoul(n: number): Soul {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}` as Soul;
}

export const T0 = Date.UTC(2026, 10, 21, 4, 0, 0);

/** A room with one mission `m1` holding `tasks` tasks `t1…tN`. */
export function roomWithMission(tasks = 3, doc = new Y.Doc()): { room: RoomDoc; mission: MissionId; taskIds: TaskId[] } {
  const room = createRoomDoc(doc);
  room.postMission({ id: "m1", title: "Ship the board", brief: "split it up", posted_by: "master", at: T0 });
  const taskIds = Array.from({ length: tasks }, (_, i) => `t${i + 1}` as TaskId);
  room.addTasks(
    "m1" as MissionId,
    taskIds.map((id, i) => ({ id, title: `task ${id}`, created_by: "master", at: T0 + i })),
  );
  return { room, mission: "m1" as MissionId, taskIds };
}

/** Sends each document what the other lacks. */
export function syncDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

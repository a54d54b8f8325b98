import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Soul } from "../ids";
import { createRandom } from "../random";
import { applyAgentActions } from "./applyAgentActions";
import { viewBoard, viewTask } from "./claims";
import { CLAIM_SETTLE_MS } from "./constants";
import { decideAgent, EMPTY_MEMORY, goalIdOf, type AgentAction, type AgentMemory } from "./roomAgent";
import { createRoomDoc, type RoomDoc } from "./roomDoc";
import type { MissionId, TaskId } from "./roomSchema";
import { syncDocs, T0, testSoul } from "./testing";

const ROOM = "r1";

interface Agent {
  room: RoomDoc;
  me: Soul;
  name: string;
  peer: string;
  memory: AgentMemory;
  safety: string | null;
  goals: Map<string, { status: "done" | "failed"; note: string }>;
  /** Goals fed to the mind, with when they finish. */
  working: Map<string, number>;
  log: AgentAction[];
}

let ids = 0;

function agentOn(room: RoomDoc, n: number, peer: string): Agent {
  const me = testSoul(n);
  room.join(me, { name: `Being ${n}`, host: peer, now: T0 });
  return { room, me, name: `Being ${n}`, peer, memory: EMPTY_MEMORY, safety: null, goals: new Map(), working: new Map(), log: [] };
}

/** One tick of one agent: its mind finishes goals 200 ms after it got them. */
function tick(agent: Agent, now: number): AgentAction[] {
  for (const [goal, at] of agent.working) if (at <= now) agent.goals.set(goal, { status: "done", note: "plan succeeded" });
  const { actions, memory } = decideAgent({
    state: agent.room.read(),
    me: agent.me,
    myName: agent.name,
    peer: agent.peer,
    roomId: ROOM,
    memory: agent.memory,
    signals: { safety: agent.safety, goals: agent.goals },
    now,
  });
  agent.memory = memory;
  agent.log.push(...actions);
  applyAgentActions(agent.room, actions, {
    me: agent.me,
    peer: agent.peer,
    roomId: ROOM,
    now,
    newId: () => `msg-${ids++}`,
    onWork: (goal) => agent.working.set(goal.id, now + 200),
  });
  return actions;
}

function postMission(room: RoomDoc, brief: string, at = T0): MissionId {
  room.postMission({ id: "m-1", title: "Garden", brief, posted_by: "master", at });
  return "m-1" as MissionId;
}

describe("the room agent", () => {
  it("splits a posted mission once, claims, waits for its claim to settle, works the task as a goal and marks it done", () => {
    const room = createRoomDoc(new Y.Doc());
    const a = agentOn(room, 1, "pa");
    postMission(room, "- map the beds\n- water");
    expect(tick(a, T0).map((x) => x.kind)).toEqual(["split"]);
    expect(room.tasks().size).toBe(2);
    expect(tick(a, T0 + 5)).toEqual([{ kind: "claim", task: "m-1.1" }]);
    expect(tick(a, T0 + 10)).toEqual([]); // the claim has not settled yet
    const work = tick(a, T0 + 5 + CLAIM_SETTLE_MS);
    expect(work[0]).toMatchObject({
      kind: "work",
      task: "m-1.1",
      goal: { id: goalIdOf("m-1.1" as TaskId), description: expect.stringContaining("map the beds") },
    });
    expect(tick(a, T0 + CLAIM_SETTLE_MS + 100)).toEqual([]);
    expect(tick(a, T0 + CLAIM_SETTLE_MS + 300).map((x) => x.kind)).toEqual(["finish"]);
    expect(tick(a, T0 + CLAIM_SETTLE_MS + 400)).toEqual([{ kind: "claim", task: "m-1.2" }]);
    expect(viewTask(room.read(), "m-1.1" as TaskId, T0 + 5_000)).toMatchObject({ status: "done", owner: a.me });
  });

  it("a loser across peers backs off, tells the winner, and takes other work", () => {
    const docA = createRoomDoc(new Y.Doc());
    const docB = createRoomDoc(new Y.Doc());
    const a = agentOn(docA, 1, "pa");
    const b = agentOn(docB, 2, "pb");
    postMission(docA, "- one\n- two");
    syncDocs(docA.doc, docB.doc);
    tick(a, T0); // splits
    syncDocs(docA.doc, docB.doc);
    // a partition: each claims m-1.1 before it has seen the other's claim
    expect(tick(a, T0 + 1)).toEqual([{ kind: "claim", task: "m-1.1" }]);
    expect(tick(b, T0 + 1).filter((x) => x.kind === "claim")).toEqual([{ kind: "claim", task: "m-1.1" }]);
    syncDocs(docA.doc, docB.doc);
    const owner = viewTask(docA.read(), "m-1.1" as TaskId, T0 + 3)!.owner!;
    const [winner, loser] = owner === a.me ? [a, b] : [b, a];
    const settled = T0 + 1 + CLAIM_SETTLE_MS;
    tick(winner, settled);
    // greetings and answers between the two beings are beside the point here
    const isChat = (m: AgentAction) => m.kind === "say" && (m.reply_to !== undefined || m.text.startsWith("Hello"));
    const moves = tick(loser, settled).filter((m) => !isChat(m));
    expect(moves[0]).toEqual({ kind: "back_off", task: "m-1.1" });
    expect(moves[1]).toMatchObject({ kind: "say", to: winner.me, text: expect.stringContaining("backing off") });
    expect(moves).toHaveLength(2);
    expect(tick(loser, settled + 1).filter((m) => !isChat(m))).toEqual([{ kind: "claim", task: "m-1.2" }]);
    syncDocs(docA.doc, docB.doc);
    expect(viewBoard(docB.read(), settled).map((v) => v.owner)).toEqual([winner.me, loser.me]);
  });

  it("converges to one owner per task, every task done, over 100 seeded runs of 2-4 peers with random delivery", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = createRandom(seed);
      const peers = rnd.int(2, 4);
      const docs = Array.from({ length: peers }, () => createRoomDoc(new Y.Doc()));
      const agents = Array.from({ length: rnd.int(peers, 6) }, (_, i) => agentOn(docs[i % peers]!, i + 1, `p${i % peers}`));
      const tasks = rnd.int(1, 6);
      postMission(docs[0]!, Array.from({ length: tasks }, (_, i) => `- task ${i}`).join("\n"));
      for (let step = 0; step < 400; step++) {
        const now = T0 + step * 100;
        for (const agent of agents) if (rnd.bool(0.7)) tick(agent, now);
        for (let k = 0; k < peers; k++) if (rnd.bool(0.6)) syncDocs(rnd.pick(docs).doc, rnd.pick(docs).doc);
        const board = viewBoard(docs[0]!.read(), now);
        if (board.length === tasks && board.every((v) => v.status === "done")) break;
      }
      for (let round = 0; round < 2; round++) for (let i = 1; i < peers; i++) syncDocs(docs[0]!.doc, docs[i]!.doc);
      const board = viewBoard(docs[0]!.read(), T0 + 400 * 100);
      const context = `seed ${seed}: ${JSON.stringify(board.map((v) => [v.id, v.status, v.owner]))}`;
      expect(board, context).toHaveLength(tasks);
      expect(
        board.every((v) => v.status === "done"),
        context,
      ).toBe(true);
      for (const view of board) {
        const outcomes = [...(docs[0]!.read().outcomes.get(view.id)?.values() ?? [])];
        expect(
          outcomes.map((o) => o.by),
          context,
        ).toContain(view.owner);
      }
      for (const doc of docs.slice(1)) expect(doc.doc.toJSON(), context).toEqual(docs[0]!.doc.toJSON());
    }
  });

  it("safety overrides the mission: a paused being takes nothing, records why once, and gives back a task it held", () => {
    const room = createRoomDoc(new Y.Doc());
    const a = agentOn(room, 1, "pa");
    postMission(room, "- one\n- two");
    tick(a, T0);
    tick(a, T0);
    tick(a, T0 + CLAIM_SETTLE_MS);
    a.safety = "the being is paused";
    const moves = tick(a, T0 + CLAIM_SETTLE_MS + 10);
    expect(moves.map((m) => m.kind)).toEqual(["override", "release"]);
    const first = moves[0] as Extract<AgentAction, { kind: "override" }>;
    expect(first.decision.winner).toMatchObject({ source: "safety", action: "halt" });
    expect(first.decision.event).toMatchObject({ type: "room.override", data: { reason: "safety overrides mission: the being is paused" } });
    // no other task is taken, and the standing override is recorded once however many ticks pass
    expect(tick(a, T0 + CLAIM_SETTLE_MS + 20)).toEqual([]);
    expect(tick(a, T0 + CLAIM_SETTLE_MS + 30)).toEqual([]);
    expect(viewBoard(room.read(), T0 + 5_000).map((v) => v.status)).toEqual(["open", "open"]);
    expect(room.messages().filter((m) => m.text.startsWith("override on"))).toHaveLength(1);
    a.safety = null;
    expect(tick(a, T0 + 10_000)).toEqual([{ kind: "claim", task: "m-1.1" }]);
  });

  it("swarm consensus overrides the mission: a `skip <task>` request in the room is honoured and recorded", () => {
    const room = createRoomDoc(new Y.Doc());
    const a = agentOn(room, 1, "pa");
    postMission(room, "- one\n- two");
    room.sendMessage({ id: "x1", from: "person:ada", to: `room:${ROOM}`, text: "skip m-1.1: the north bed is flooded", at: T0 });
    tick(a, T0 + 1);
    const moves = tick(a, T0 + 2);
    expect(moves.map((m) => m.kind)).toEqual(["override", "claim"]);
    expect((moves[0] as Extract<AgentAction, { kind: "override" }>).decision.event?.data.reason).toBe("consensus overrides mission: the north bed is flooded");
    expect(moves[1]).toEqual({ kind: "claim", task: "m-1.2" });
  });

  it("greets beings on other peers once, answers people, and never loops with another being", () => {
    const docA = createRoomDoc(new Y.Doc());
    const docB = createRoomDoc(new Y.Doc());
    const a = agentOn(docA, 1, "pa");
    const b = agentOn(docB, 2, "pb");
    const local = agentOn(docA, 3, "pa");
    syncDocs(docA.doc, docB.doc);
    expect(tick(a, T0).filter((m) => m.kind === "say")).toEqual([{ kind: "say", to: b.me, text: expect.stringContaining("Hello Being 2") }]);
    expect(tick(local, T0).filter((m) => m.kind === "say")).toHaveLength(1);
    syncDocs(docA.doc, docB.doc);
    docB.sendMessage({ id: "p1", from: "person:bo", to: b.me, text: "what are you doing?", at: T0 + 1 });
    const answers = tick(b, T0 + 2).filter((m) => m.kind === "say");
    expect(answers).toContainEqual({ kind: "say", to: "person:bo", reply_to: "p1", text: expect.stringContaining("I am free") });
    for (let i = 0; i < 5; i++) {
      syncDocs(docA.doc, docB.doc);
      tick(a, T0 + 10 + i);
      tick(b, T0 + 10 + i);
      tick(local, T0 + 10 + i);
    }
    syncDocs(docA.doc, docB.doc);
    // each pair across peers: one greeting and one answer each way; the answers are not answered again
    const fromBeings = docA.messages().filter((m) => !m.from.startsWith("person:"));
    expect(fromBeings.filter((m) => (m.from as string) === b.me && (m.to as string) === a.me).map((m) => Boolean(m.reply_to))).toEqual([false, true]);
    expect(fromBeings.filter((m) => (m.from as string) === local.me && (m.to as string) === a.me)).toEqual([]);
    for (let i = 0; i < 5; i++) {
      syncDocs(docA.doc, docB.doc);
      for (const agent of [a, b, local]) expect(tick(agent, T0 + 100 + i).filter((m) => m.kind === "say")).toEqual([]);
    }
  });
});

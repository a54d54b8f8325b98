import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLAIM_SETTLE_MS, goalIdOf, viewTask, WORK_TIMEOUT_MS, type TaskId } from "../../lib/rooms";
import { roomWithMission, T0, testSoul } from "../../lib/rooms/testing";
import type { GoalEnded, GoalState } from "../../workers/being/api";
import type { GoalListener, SwarmBeing } from "../_swarm/SwarmHost";
import { AGENT_TICK_MS, RoomAgentRunner, type RoomAgentHost } from "./RoomAgentRunner";

const ROOM = "r1";
const PEER = "peer-a";
const ME = testSoul(1);
const TASK = "t1" as TaskId;
const GOAL = goalIdOf(TASK);

/** A swarm host with one running being whose worker answers `goal(id)` with `known` and records what it is sent. */
function fakeHost(known: GoalState = { status: "unknown" }) {
  const listeners = new Set<GoalListener>();
  const sent: unknown[] = [];
  const asked: string[] = [];
  const being = { soul: ME, name: "Ada", phase: "running", problem: null } as unknown as SwarmBeing;
  // NOTE: only what the runner may call; anything else (an outbox query, say) would throw and show up as an error.
  const api = {
    goal: (id: string) => {
      asked.push(id);
      return Promise.resolve(known);
    },
    send: (input: unknown) => {
      sent.push(input);
      return Promise.resolve({ ok: true });
    },
  };
  const host = {
    get: (soul: string) => (soul === ME ? being : undefined),
    workerApi: (soul: string) => (soul === ME ? api : null),
    onGoal: (cb: GoalListener) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  } as unknown as RoomAgentHost;
  const emit = (soul: string, ended: Omit<GoalEnded, "kind" | "at">) => {
    for (const cb of listeners) cb(soul, { kind: "goal", at: Date.now(), ...ended });
  };
  return { host, sent, asked, emit, listeners };
}

function start(known?: GoalState) {
  const { room } = roomWithMission(1);
  const fake = fakeHost(known);
  const errors: unknown[] = [];
  const runner = new RoomAgentRunner(
    room,
    ROOM,
    PEER,
    fake.host,
    () => [ME],
    (_soul, error) => errors.push(error),
    () => false,
    () => null,
  );
  const task = () => viewTask(room.read(), TASK, Date.now());
  return { room, runner, errors, task, ...fake };
}

/** Past the claim's settling time: the being owns the task and its mind has been asked to work it. */
async function untilWorking() {
  await vi.advanceTimersByTimeAsync(CLAIM_SETTLE_MS + 3 * AGENT_TICK_MS);
}

describe("RoomAgentRunner: how a task's goal ends", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 + 60_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("feeds the task to the mind and records it done when the worker says the goal was achieved", async () => {
    const { runner, sent, asked, emit, errors, task } = start();
    await untilWorking();
    expect(asked).toEqual([GOAL]);
    expect(sent).toEqual([expect.objectContaining({ kind: "goal", id: GOAL })]);
    expect(task()?.status).toBe("claimed");

    emit(ME, { id: GOAL, outcome: "achieved", reason: "plan plan-3 succeeded for Room task t1" });
    await vi.advanceTimersByTimeAsync(AGENT_TICK_MS);
    expect(task()?.status).toBe("done");
    expect(task()?.outcome?.note).toBe("plan plan-3 succeeded for Room task t1");
    expect(errors).toEqual([]);
    runner.close();
  });

  it("records the task failed, with the mind's reason, when the goal was abandoned", async () => {
    const { runner, emit, task } = start();
    await untilWorking();
    emit(ME, { id: GOAL, outcome: "abandoned", reason: "plan plan-9 failed (no reasoner); 3 of 3 attempts used" });
    await vi.advanceTimersByTimeAsync(AGENT_TICK_MS);
    expect(task()?.status).toBe("failed");
    expect(task()?.outcome?.note).toContain("3 of 3 attempts");
    runner.close();
  });

  it("ignores goals of other beings and goals that are not room tasks", async () => {
    const { runner, emit, task } = start();
    await untilWorking();
    emit(testSoul(2), { id: GOAL, outcome: "achieved", reason: "someone else's" });
    emit(ME, { id: "genesis-goal", outcome: "achieved", reason: "its own program" });
    emit(ME, { id: goalIdOf("t9" as TaskId), outcome: "achieved", reason: "another task" });
    await vi.advanceTimersByTimeAsync(5 * AGENT_TICK_MS);
    expect(task()?.status).toBe("claimed");
    runner.close();
  });

  it("after a reload, takes a goal that already ended from the being instead of working it again", async () => {
    const { runner, sent, asked, task } = start({ status: "achieved", reason: "plan plan-2 succeeded before the reload", at: T0 });
    await untilWorking();
    expect(asked).toEqual([GOAL]);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(AGENT_TICK_MS);
    expect(task()?.status).toBe("done");
    expect(task()?.outcome?.note).toBe("plan plan-2 succeeded before the reload");
    runner.close();
  });

  it("does not feed a goal the mind is still working on, and finishes it when its event comes", async () => {
    const { runner, sent, emit, task } = start({ status: "active" });
    await untilWorking();
    expect(sent).toEqual([]);
    emit(ME, { id: GOAL, outcome: "achieved", reason: "done at last" });
    await vi.advanceTimersByTimeAsync(AGENT_TICK_MS);
    expect(task()?.status).toBe("done");
    runner.close();
  });

  it("gives the task back as failed only when no outcome comes within the work timeout", async () => {
    const { runner, task } = start();
    await untilWorking();
    await vi.advanceTimersByTimeAsync(WORK_TIMEOUT_MS - 2 * AGENT_TICK_MS - CLAIM_SETTLE_MS);
    expect(task()?.status).toBe("claimed");
    await vi.advanceTimersByTimeAsync(CLAIM_SETTLE_MS + 4 * AGENT_TICK_MS);
    expect(task()?.status).toBe("failed");
    expect(task()?.outcome?.note).toMatch(/no result after 5 minutes/);
    runner.close();
  });

  it("stops listening for goals when closed", () => {
    const { runner, listeners } = start();
    expect(listeners.size).toBe(1);
    runner.close();
    expect(listeners.size).toBe(0);
  });
});

"use client";
/**
 * Runs the room agent (lib/rooms/roomAgent) for the beings this browser added to a room: keeps their
 * roster entries in step with their phase in the swarm host, ticks `decideAgent`, applies its
 * actions to the room document, feeds owned tasks to each being's mind as goals through the worker
 * API (`send({ kind: "goal" })`), and learns how each goal ended from the worker's `goal` event, which
 * the swarm host fans out (`onGoal`). A runner that starts on a task its being already had (the page
 * reloaded, or the room was opened again) first asks the being where the goal stands (`goal(id)`),
 * so an outcome it missed is not lost and finished work is not done twice.
 */
import {
  applyAgentActions,
  CLAIM_STALE_AFTER_MS,
  decideAgent,
  EMPTY_MEMORY,
  goalIdOf,
  isTaskGoal,
  reapStaleClaims,
  type AgentMemory,
  type RoomDoc,
} from "../../lib/rooms";
import type { Soul } from "../../lib/ids";
import type { GoalEnded, GoalOutcome, GoalState } from "../../workers/being/api";
import { ROOM_DELIVERY_TIMEOUT_MS } from "../../lib/kernel/constants";
import type { SwarmBeing, SwarmHost } from "../_swarm/SwarmHost";

/** How often each being's agent looks at the room. */
export const AGENT_TICK_MS = 400;
/** How often this browser tidies the board: lapsed claims deleted, vanished peers' beings marked as left. */
const TIDY_MS = 5_000;
/** The priority of a room task among the being's goals: above its own genesis goal, below answering someone. */
const TASK_GOAL_PRIORITY = 10;

/** The part of the swarm host the runner uses (tests pass their own). */
export type RoomAgentHost = Pick<SwarmHost, "get" | "workerApi" | "onGoal" | "kernel">;

interface Agent {
  memory: AgentMemory;
  /** How the being's room-task goals ended, by goal id, until the agent records the task's outcome. */
  goals: Map<string, { status: "done" | "failed"; note: string }>;
}

const TASK_STATUS: Readonly<Record<GoalOutcome, "done" | "failed">> = { achieved: "done", abandoned: "failed" };

/** Why a being's own layers forbid room work now, or null. */
function safetyOf(being: SwarmBeing): string | null {
  switch (being.phase) {
    case "running":
      return null;
    case "paused":
      return "the being is paused";
    case "halted":
      return "the being's Tiki budget is spent (halted)";
    case "crashed":
    case "error":
      return `the being's worker failed: ${being.problem ?? "unknown"}`;
    default:
      return `the being is ${being.phase} in this browser`;
  }
}

export class RoomAgentRunner {
  private readonly agents = new Map<string, Agent>();
  private readonly timer: ReturnType<typeof setInterval>;
  private closed = false;
  private messageSeq = 0;
  private lastTidy = 0;
  /** Peers hosting running beings that are not present, and since when. */
  private readonly missingSince = new Map<string, number>();
  private readonly stopGoals: () => void;

  constructor(
    private readonly room: RoomDoc,
    private readonly roomId: string,
    private readonly peer: string,
    private readonly host: RoomAgentHost,
    /** The souls this browser added to the room. */
    private souls: () => readonly string[],
    private readonly onError: (soul: string, error: unknown) => void,
    private readonly readOnly: () => boolean,
    /** The peers present in the room now, or null while this browser is not connected (then it cannot tell). */
    private readonly presentPeers: () => ReadonlySet<string> | null,
  ) {
    this.stopGoals = host.onGoal((soul, ended) => this.goalEnded(soul as Soul, ended));
    this.timer = setInterval(() => this.tick(), AGENT_TICK_MS);
  }

  /** Idempotent. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.stopGoals();
  }

  private agentOf(soul: Soul): Agent {
    let agent = this.agents.get(soul);
    if (!agent) this.agents.set(soul, (agent = { memory: EMPTY_MEMORY, goals: new Map() }));
    return agent;
  }

  /** A goal of a being in this tab ended: kept for the agent of one of this room's beings, when it is a room task. */
  private goalEnded(soul: Soul, ended: Pick<GoalEnded, "id" | "outcome" | "reason">): void {
    if (this.closed || !isTaskGoal(ended.id) || !this.souls().includes(soul)) return;
    this.agentOf(soul).goals.set(ended.id, { status: TASK_STATUS[ended.outcome], note: ended.reason.slice(0, 500) });
  }

  /**
   * Gives the task's goal to the being's mind, unless the being has it already (it had it before this
   * runner started): still working, its event will come; ended, that outcome is kept as if its event had just come.
   */
  private async feed(soul: Soul, goal: { id: string; description: string }): Promise<void> {
    const api = this.host.workerApi(soul);
    if (!api) return;
    // NOTE: room deliveries are I/O like any message: they wait in the kernel's I/O queue as the being's, in turn with the rest.
    const kernel = this.host.kernel;
    const deliver = <T>(label: string, work: () => Promise<T>): Promise<T> => (kernel ? kernel.ioWork(soul, label, work, ROOM_DELIVERY_TIMEOUT_MS) : work());
    const known = await deliver<GoalState>(`room task ${goal.id} (check)`, () => api.goal(goal.id));
    if (this.closed) return;
    if (known.status === "achieved" || known.status === "abandoned") {
      this.goalEnded(soul, { id: goal.id, outcome: known.status, reason: known.reason });
      return;
    }
    // NOTE: the mind is on it already (the room was opened again in this tab): its event will come.
    if (known.status !== "unknown") return;
    // NOTE: an outcome kept from an earlier attempt must not end this one.
    this.agents.get(soul)?.goals.delete(goal.id);
    const answer = await deliver(`room task ${goal.id}`, () =>
      api.send({ kind: "goal", id: goal.id, description: goal.description, priority: TASK_GOAL_PRIORITY }),
    );
    if (!answer.ok) throw new Error(answer.error ?? "the being refused the task's goal");
  }

  private tick(): void {
    if (this.closed || this.readOnly()) return;
    const now = Date.now();
    if (now - this.lastTidy >= TIDY_MS) {
      this.lastTidy = now;
      try {
        this.tidy(now);
      } catch (error) {
        this.onError("room", error);
      }
    }
    for (const soul of this.souls()) {
      try {
        this.tickBeing(soul as Soul, now);
      } catch (error) {
        this.onError(soul, error);
      }
    }
  }

  /**
   * A browser that closed without saying goodbye leaves its beings "running" on the roster and their
   * claims alive. Any connected peer marks them as left once their host has been absent from presence
   * for CLAIM_STALE_AFTER_MS; their claims then lapse like any leaver's, and lapsed claims are deleted.
   */
  private tidy(now: number): void {
    const present = this.presentPeers();
    if (!present) return;
    for (const [soul, entry] of this.room.roster()) {
      if (entry.status !== "running" || present.has(entry.host)) {
        this.missingSince.delete(entry.host);
        continue;
      }
      const since = this.missingSince.get(entry.host) ?? now;
      this.missingSince.set(entry.host, since);
      if (now - since >= CLAIM_STALE_AFTER_MS) this.room.setStatus(soul, "left", now);
    }
    reapStaleClaims(this.room, now);
  }

  private tickBeing(soul: Soul, now: number): void {
    const being = this.host.get(soul);
    if (!being || being.phase === "elsewhere") return;
    const agent = this.agentOf(soul);
    const entry = this.room.roster().get(soul);
    const safety = safetyOf(being);
    if (!safety && (entry?.status !== "running" || entry.host !== this.peer || entry.name !== being.name)) {
      this.room.join(soul, { name: being.name, host: this.peer, now });
    }
    const api = this.host.workerApi(soul);
    const { actions, memory } = decideAgent({
      state: this.room.read(),
      me: soul,
      myName: being.name,
      peer: this.peer,
      roomId: this.roomId,
      memory: agent.memory,
      signals: { safety, goals: agent.goals },
      now,
    });
    agent.memory = memory;
    applyAgentActions(this.room, actions, {
      me: soul,
      peer: this.peer,
      roomId: this.roomId,
      now,
      newId: () => `${this.peer}-${now.toString(36)}-${this.messageSeq++}`,
      onWork: (goal) => void this.feed(soul, goal).catch((error: unknown) => this.onError(soul, error)),
      onOverride: (decision) => {
        // NOTE: the being's own world model learns why it did not do what its mission said.
        void api
          ?.send({
            kind: "perception",
            key: "room.override",
            value: { reason: decision.event?.data.reason ?? decision.winner.reason, winner: decision.winner.action },
          })
          .catch((error: unknown) => this.onError(soul, error));
      },
    });
    for (const action of actions) if (action.kind === "finish") agent.goals.delete(goalIdOf(action.task));
    // NOTE: after deciding, so a being that just stopped working first gives its task back and records why.
    if (safety && entry?.status === "running") this.room.setStatus(soul, being.phase === "stopped" ? "left" : "paused", now);
  }
}

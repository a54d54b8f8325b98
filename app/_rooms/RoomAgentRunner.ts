"use client";
/**
 * Runs the room agent (lib/rooms/roomAgent) for the beings this browser added to a room: keeps their
 * roster entries in step with their phase in the swarm host, ticks `decideAgent`, applies its
 * actions to the room document, feeds owned tasks to each being's mind as goals through the worker
 * API (`send({ kind: "goal" })`), and reads back from the being's micro-world how its goal ended.
 */
import { applyAgentActions, CLAIM_STALE_AFTER_MS, decideAgent, EMPTY_MEMORY, reapStaleClaims, type AgentMemory, type RoomDoc } from "../../lib/rooms";
import type { Soul } from "../../lib/ids";
import type { SwarmBeing, SwarmHost } from "../_swarm/SwarmHost";

/** How often each being's agent looks at the room. */
export const AGENT_TICK_MS = 400;
/** How often a working being's micro-world is asked whether its goal ended. */
const GOAL_POLL_MS = 1_000;
/** How often this browser tidies the board: lapsed claims deleted, vanished peers' beings marked as left. */
const TIDY_MS = 5_000;
/** The priority of a room task among the being's goals: above its own genesis goal, below answering someone. */
const TASK_GOAL_PRIORITY = 10;

const GOAL_SQL = `SELECT json_extract(envelope, '$.subject') AS goal, json_extract(envelope, '$.data.decision') AS decision,
  json_extract(envelope, '$.data.rationale') AS why FROM outbox WHERE type = 'being.decision'
  AND json_extract(envelope, '$.data.decision') IN ('goal_achieved', 'abandon_goal') AND json_extract(envelope, '$.subject') LIKE 'room-task-%'
  ORDER BY created_at DESC LIMIT 200`;

interface Agent {
  memory: AgentMemory;
  goals: Map<string, { status: "done" | "failed"; note: string }>;
  lastPoll: number;
  polling: boolean;
}

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

  constructor(
    private readonly room: RoomDoc,
    private readonly roomId: string,
    private readonly peer: string,
    private readonly host: SwarmHost,
    /** The souls this browser added to the room. */
    private souls: () => readonly string[],
    private readonly onError: (soul: string, error: unknown) => void,
    private readonly readOnly: () => boolean,
    /** The peers present in the room now, or null while this browser is not connected (then it cannot tell). */
    private readonly presentPeers: () => ReadonlySet<string> | null,
  ) {
    this.timer = setInterval(() => this.tick(), AGENT_TICK_MS);
  }

  /** Idempotent. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
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
    let agent = this.agents.get(soul);
    if (!agent) this.agents.set(soul, (agent = { memory: EMPTY_MEMORY, goals: new Map(), lastPoll: 0, polling: false }));
    const entry = this.room.roster().get(soul);
    const safety = safetyOf(being);
    if (!safety && (entry?.status !== "running" || entry.host !== this.peer || entry.name !== being.name)) {
      this.room.join(soul, { name: being.name, host: this.peer, now });
    }
    const api = this.host.workerApi(soul);
    if (api && agent.memory.current?.workingSince !== undefined && now - agent.lastPoll >= GOAL_POLL_MS && !agent.polling) {
      agent.lastPoll = now;
      agent.polling = true;
      const target = agent;
      api
        .query(GOAL_SQL)
        .then((result) => {
          for (const [goal, decision, why] of result.rows) {
            if (typeof goal !== "string" || target.goals.has(goal)) continue;
            target.goals.set(goal, { status: decision === "goal_achieved" ? "done" : "failed", note: typeof why === "string" ? why.slice(0, 500) : "" });
          }
        })
        .catch((error: unknown) => this.onError(soul, error))
        .finally(() => (target.polling = false));
    }
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
      onWork: (goal) => {
        if (!api) return;
        api.send({ kind: "goal", id: goal.id, description: goal.description, priority: TASK_GOAL_PRIORITY }).then(
          (answer) => !answer.ok && this.onError(soul, new Error(answer.error ?? "the being refused the task's goal")),
          (error: unknown) => this.onError(soul, error),
        );
      },
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
    // NOTE: after deciding, so a being that just stopped working first gives its task back and records why.
    if (safety && entry?.status === "running") this.room.setStatus(soul, being.phase === "stopped" ? "left" : "paused", now);
  }
}

/**
 * What a being does in a room, as a pure function of (room, being, memory, signals, now) → actions
 * (the ai-town `Agent.tick` shape). The page's room runner carries the actions out: it writes claims,
 * outcomes and messages into the room document and feeds the task to the being's mind as a goal.
 *
 * A being: splits a mission nobody has split; claims one open task at a time (claims.ts decides the
 * one owner); waits CLAIM_SETTLE_MS before trusting a claim; a loser backs off, tells the winner and
 * picks other work; the owner works the task as a goal of its mind and records how it ended. Before
 * it takes or keeps a task, the override order decides: safety (its own layers: paused, halted,
 * crashed) > swarm consensus (a `skip <task>` request in the room) > mission (take the task). Each
 * override is recorded once, with its reason.
 *
 * @example
 * const { actions, memory: next } = decideAgent({ state: room.read(), me, myName, peer, roomId, memory, signals, now });
 */
import type { Soul } from "../ids";
import { claimStatus, pickNextTask, viewTask } from "./claims";
import { CLAIM_SETTLE_MS, SPLIT_GRACE_MS, WORK_TIMEOUT_MS } from "./constants";
import { resolveOverride, type Directive, type OverrideDecision } from "./override";
import type { MissionId, RoomMessage, RoomState, TaskId } from "./roomSchema";
import { splitMission, type SplitTask } from "./splitMission";

/** What the agent remembers between ticks (plain data; a reload starts it afresh and the board resumes it). */
export interface AgentMemory {
  /** The task it is after: claimed at `claimedAt`; `workingSince` once its mind has the goal. */
  readonly current: { readonly task: TaskId; readonly claimedAt: number; readonly workingSince?: number | undefined } | null;
  /** Tasks it backed off from or was asked to skip: it does not claim them again. */
  readonly passed: readonly TaskId[];
  /** The override it last recorded, so a standing override is recorded once, not every tick. */
  readonly lastOverride: string | null;
}

export const EMPTY_MEMORY: AgentMemory = { current: null, passed: [], lastOverride: null };

/** What the being's own layers say, gathered by the runner. */
export interface AgentSignals {
  /** Why its layers forbid work now (paused, halted, crashed), or null when it may work. */
  readonly safety: string | null;
  /** How the goals its mind finished ended, by goal id. */
  readonly goals: ReadonlyMap<string, { readonly status: "done" | "failed"; readonly note: string }>;
}

export type AgentAction =
  | { readonly kind: "split"; readonly mission: MissionId; readonly tasks: readonly SplitTask[] }
  | { readonly kind: "claim"; readonly task: TaskId }
  | { readonly kind: "back_off"; readonly task: TaskId }
  | { readonly kind: "release"; readonly task: TaskId }
  | { readonly kind: "work"; readonly task: TaskId; readonly goal: { readonly id: string; readonly description: string } }
  | { readonly kind: "finish"; readonly task: TaskId; readonly status: "done" | "failed"; readonly note: string }
  | { readonly kind: "say"; readonly to: string; readonly text: string; readonly reply_to?: string | undefined }
  | { readonly kind: "override"; readonly task: TaskId; readonly decision: OverrideDecision };

export interface AgentInput {
  readonly state: RoomState;
  readonly me: Soul;
  readonly myName: string;
  readonly peer: string;
  readonly roomId: string;
  readonly memory: AgentMemory;
  readonly signals: AgentSignals;
  readonly now: number;
}

const TASK_GOAL_PREFIX = "room-task-";

/** The goal id a task becomes in the being's mind. */
export function goalIdOf(task: TaskId): string {
  return `${TASK_GOAL_PREFIX}${task}`;
}

/** Whether a goal of a being's mind is a room task (made by `goalIdOf`). */
export function isTaskGoal(goalId: string): boolean {
  return goalId.startsWith(TASK_GOAL_PREFIX) && goalId.length > TASK_GOAL_PREFIX.length;
}

const SKIP = /^\s*skip\s+([A-Za-z0-9._~-]+)\s*[:,-]?\s*(.*)$/i;

/** `skip <task>: why` requests in the room (to the room or to this being), as consensus directives. */
export function consensusSkips(messages: readonly RoomMessage[], me: Soul, roomId: string): Map<TaskId, Directive> {
  const out = new Map<TaskId, Directive>();
  for (const message of messages) {
    const to: string = message.to;
    if (to !== me && to !== `room:${roomId}`) continue;
    const match = SKIP.exec(message.text);
    if (!match) continue;
    const task = match[1] as TaskId;
    if (out.has(task)) continue;
    const by = (message.from.startsWith("person:") ? `room:${roomId}` : message.from) as Directive["by"];
    out.set(task, {
      source: "consensus",
      action: `skip:${task}`,
      reason: match[2]?.trim() || `${message.from} asked the room to skip ${task}`,
      by,
      at: message.at,
    });
  }
  return out;
}

/** The agent's next actions and memory. Never throws on a well-formed state. */
export function decideAgent(input: AgentInput): { actions: AgentAction[]; memory: AgentMemory } {
  const { state, me, now, signals } = input;
  const actions: AgentAction[] = [];
  let memory = input.memory;
  const running = state.roster.get(me)?.status === "running";

  splitUnsplit(input, actions);
  chat(input, actions);
  if (!running) return { actions, memory };

  const skips = consensusSkips(state.messages, me, input.roomId);
  const directivesFor = (task: TaskId, title: string): Directive[] => {
    const list: Directive[] = [
      { source: "mission", action: `take:${task}`, reason: `the mission board has "${title}" for this room`, by: "master" as Directive["by"], at: 0 },
    ];
    if (signals.safety) list.push({ source: "safety", action: "halt", reason: signals.safety, by: me as string as Directive["by"], at: now });
    const skip = skips.get(task);
    if (skip) list.push(skip);
    return list;
  };
  /** Decides for a task; records the override once. Returns whether the mission (take the task) won. */
  const decide = (task: TaskId, title: string): boolean => {
    const decision = resolveOverride(directivesFor(task, title), { source: me, subject: task, now: () => new Date(now) });
    if (!decision || decision.winner.action === `take:${task}`) {
      if (memory.lastOverride === "safety:halt") memory = { ...memory, lastOverride: null };
      return true;
    }
    // NOTE: a halt stands for the being, whichever task it meets; a consensus skip is about its task.
    const key = decision.winner.source === "safety" ? "safety:halt" : `${task}:${decision.winner.source}:${decision.winner.action}`;
    if (memory.lastOverride !== key) {
      actions.push({ kind: "override", task, decision });
      memory = { ...memory, lastOverride: key };
    }
    if (decision.winner.source === "consensus") memory = { ...memory, passed: [...memory.passed, task] };
    return false;
  };

  const current = memory.current;
  if (current) {
    const view = viewTask(state, current.task, now);
    const standing = claimStatus(state, current.task, me, now);
    if (!view || view.status === "done" || view.status === "failed" || standing === "none") {
      memory = { ...memory, current: null };
    } else if (standing === "lost") {
      if (current.workingSince !== undefined || now - current.claimedAt >= CLAIM_SETTLE_MS) {
        actions.push({ kind: "back_off", task: current.task });
        if (view.owner)
          actions.push({ kind: "say", to: view.owner, text: `${view.task.title}: yours (${current.task}); I am backing off and picking other work.` });
        memory = { ...memory, current: null, passed: [...memory.passed, current.task] };
      }
    } else if (!decide(current.task, view.task.title)) {
      actions.push({ kind: "release", task: current.task });
      memory = { ...memory, current: null };
    } else if (current.workingSince === undefined) {
      if (now - current.claimedAt >= CLAIM_SETTLE_MS) {
        const detail = view.task.detail ? ` — ${view.task.detail}` : "";
        actions.push({
          kind: "work",
          task: current.task,
          goal: { id: goalIdOf(current.task), description: `Room task ${current.task}: ${view.task.title}${detail}`.slice(0, 4000) },
        });
        actions.push({ kind: "say", to: `room:${input.roomId}`, text: `I own ${current.task} "${view.task.title}" and am working on it.` });
        memory = { ...memory, current: { ...current, workingSince: now } };
      }
    } else {
      const outcome = signals.goals.get(goalIdOf(current.task));
      if (outcome) {
        actions.push({ kind: "finish", task: current.task, status: outcome.status, note: outcome.note });
        memory = { ...memory, current: null };
      } else if (now - current.workingSince >= WORK_TIMEOUT_MS) {
        actions.push({
          kind: "finish",
          task: current.task,
          status: "failed",
          note: `no result after ${Math.round(WORK_TIMEOUT_MS / 60_000)} minutes; giving it back as failed`,
        });
        memory = { ...memory, current: null };
      }
    }
    // NOTE: a task given up this tick is still in `state`; new work is picked next tick, from a state that shows it gone.
    return { actions, memory };
  }

  const passed = new Set(memory.passed);
  for (;;) {
    const next = pickNextTask(state, me, now, { skip: passed });
    if (!next) break;
    if (next.status === "claimed" && next.owner === me) {
      // NOTE: resuming after a reload: the claim already settled once, so the goal is fed again at once.
      memory = { ...memory, current: { task: next.id, claimedAt: now - CLAIM_SETTLE_MS } };
      break;
    }
    if (!decide(next.id, next.task.title)) {
      if (signals.safety) break;
      passed.add(next.id);
      memory = memory.passed.includes(next.id) ? memory : { ...memory, passed: [...memory.passed, next.id] };
      continue;
    }
    actions.push({ kind: "claim", task: next.id });
    memory = { ...memory, current: { task: next.id, claimedAt: now } };
    break;
  }
  return { actions, memory };
}

/** A mission without tasks is split by the lowest running soul at once, and by anyone after SPLIT_GRACE_MS. */
function splitUnsplit({ state, me, now }: AgentInput, actions: AgentAction[]): void {
  if (state.roster.get(me)?.status !== "running") return;
  const withTasks = new Set([...state.tasks.values()].map((task) => task.mission));
  const lowest = [...state.roster]
    .filter(([, entry]) => entry.status === "running")
    .map(([soul]) => soul)
    .sort()[0];
  for (const [id, mission] of state.missions) {
    if (withTasks.has(id)) continue;
    if (lowest === me || now - mission.at >= SPLIT_GRACE_MS) actions.push({ kind: "split", mission: id, tasks: splitMission(id, mission) });
  }
}

/**
 * Being↔being and person↔being talk: a being greets each running being hosted by another peer once,
 * and answers every message addressed to it (except a being's reply, so two beings never loop),
 * with what it is doing. Both are read from the room's history, so a reload does not repeat them.
 */
function chat({ state, me, myName, peer, memory, now }: AgentInput, actions: AgentAction[]): void {
  const entry = state.roster.get(me);
  if (entry?.status !== "running") return;
  const mine = state.messages.filter((m) => (m.from as string) === me);
  const spokenTo = new Set<string>(mine.map((m) => m.to));
  const answered = new Set(mine.map((m) => m.reply_to).filter(Boolean));
  for (const [soul, other] of state.roster) {
    if (soul === me || other.status !== "running" || other.host === peer || spokenTo.has(soul)) continue;
    actions.push({
      kind: "say",
      to: soul,
      text: `Hello ${other.name}, ${myName} here on peer ${peer}. I take open tasks one at a time and back off from yours.`,
    });
  }
  const current = memory.current ? state.tasks.get(memory.current.task) : undefined;
  const open = [...state.tasks.keys()].filter((id) => viewTask(state, id, now)?.status === "open").length;
  for (const message of state.messages) {
    if ((message.to as string) !== me || (message.from as string) === me || answered.has(message.id) || message.at < entry.since) continue;
    if (!message.from.startsWith("person:") && message.reply_to) continue;
    const doing = current ? `I am working on "${current.title}" (${memory.current!.task}).` : "I am free right now.";
    actions.push({ kind: "say", to: message.from, reply_to: message.id, text: `${doing} ${open} task${open === 1 ? "" : "s"} on the board are open.` });
  }
}

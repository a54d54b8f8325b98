/**
 * The claim protocol on the room document: exactly one owner per task, even when beings on
 * different peers claim at once.
 *
 * Each claim is an entry `{claimant, peer, clock, tiebreak}` under the task (one per claimant, so
 * concurrent claims never overwrite each other). The owner is a pure function of the set of claims:
 * the lowest (clock, tiebreak, claimant) among the live ones. Every replica holding the same claims
 * therefore names the same owner, whatever order the updates arrived in. `clock` is a Lamport clock
 * per task, so a claim made after seeing an owner always loses to it; only truly concurrent claims
 * race, and the random tiebreak settles them.
 *
 * A claim lapses (is no longer live) when its being has left the roster for CLAIM_STALE_AFTER_MS, or
 * is not on the roster at all that long after the claim: a pure function of (state, now).
 *
 * @example
 * const next = pickNextTask(room.read(), soul, now);
 * if (next) claimTask(room, { task: next.id, claimant: soul, peer, now });
 * // later, once updates have arrived:
 * if (claimStatus(room.read(), next.id, soul, now) === "lost") backOff(room, next.id, soul, now);
 */
import type { Soul } from "../ids";
import type { Result } from "../result";
import { CLAIM_STALE_AFTER_MS } from "./constants";
import type { RoomDoc } from "./roomDoc";
import {
  taskEntryKey,
  claimSchema,
  outcomeSchema,
  type Claim,
  type Outcome,
  type RoomState,
  type RosterEntry,
  type Task,
  type TaskId,
  type TaskStatus,
} from "./roomSchema";

/** Orders claims: the first one wins. Lower clock, then lower tiebreak, then lower claimant. */
export function compareClaims(a: Claim, b: Claim): number {
  if (a.clock !== b.clock) return a.clock - b.clock;
  if (a.tiebreak !== b.tiebreak) return a.tiebreak - b.tiebreak;
  return a.claimant < b.claimant ? -1 : a.claimant > b.claimant ? 1 : 0;
}

/** The winning claim of a set, or undefined for an empty set. */
export function winningClaim(claims: Iterable<Claim>): Claim | undefined {
  let best: Claim | undefined;
  for (const claim of claims) if (!best || compareClaims(claim, best) < 0) best = claim;
  return best;
}

/** Whether a claim has lapsed at `now` because its being left (or was never on) the roster long enough ago. */
export function isClaimStale(claim: Claim, roster: ReadonlyMap<Soul, RosterEntry>, now: number, staleAfterMs = CLAIM_STALE_AFTER_MS): boolean {
  const entry = roster.get(claim.claimant);
  if (!entry) return now - claim.at >= staleAfterMs;
  return entry.status === "left" && now - entry.status_at >= staleAfterMs;
}

/** A task as the board shows it at `now`. */
export interface TaskView {
  readonly id: TaskId;
  readonly task: Task;
  readonly status: TaskStatus;
  /** The live winner, or for a finished task the being that finished it. */
  readonly owner: Soul | undefined;
  /** Every claim, the winner's order first. */
  readonly claims: readonly Claim[];
  /** Present when the task is done or failed. */
  readonly outcome?: Outcome | undefined;
}

export interface ClaimOptions {
  /** Defaults to CLAIM_STALE_AFTER_MS. */
  staleAfterMs?: number | undefined;
}

/**
 * The task's status and owner at `now`. An outcome counts only when its author wins among the live
 * claims plus its own (an owner that finished and then left keeps its result; a loser that finished
 * before it learned it lost does not).
 */
export function viewTask(state: RoomState, id: TaskId, now: number, options: ClaimOptions = {}): TaskView | undefined {
  const task = state.tasks.get(id);
  if (!task) return undefined;
  const claims = [...(state.claims.get(id)?.values() ?? [])].sort(compareClaims);
  const live = claims.filter((claim) => !isClaimStale(claim, state.roster, now, options.staleAfterMs));
  const outcomes = state.outcomes.get(id);
  if (outcomes) {
    for (const author of claims) {
      const outcome = outcomes.get(author.claimant);
      if (outcome && winningClaim([author, ...live]) === author) return { id, task, status: outcome.status, owner: outcome.by, claims, outcome };
    }
  }
  const owner = live[0]?.claimant;
  return { id, task, status: owner ? "claimed" : "open", owner, claims };
}

/** Every task at `now`, in board order: by mission, then by creation time, then by id. */
export function viewBoard(state: RoomState, now: number, options: ClaimOptions = {}): TaskView[] {
  const missionAt = (task: Task) => state.missions.get(task.mission)?.at ?? 0;
  return [...state.tasks.entries()]
    .sort(
      ([aId, a], [bId, b]) =>
        missionAt(a) - missionAt(b) || (a.mission < b.mission ? -1 : a.mission > b.mission ? 1 : 0) || a.at - b.at || (aId < bId ? -1 : 1),
    )
    .map(([id]) => viewTask(state, id, now, options)!);
}

/** The task's owner at `now`, or undefined. */
export function ownerOf(state: RoomState, task: TaskId, now: number, options: ClaimOptions = {}): Soul | undefined {
  return viewTask(state, task, now, options)?.owner;
}

/** Where `claimant` stands on a task: it owns it, it claimed and lost (back off), or it has no claim. */
export function claimStatus(state: RoomState, task: TaskId, claimant: Soul, now: number, options: ClaimOptions = {}): "won" | "lost" | "none" {
  const view = viewTask(state, task, now, options);
  if (!view) return "none";
  if (view.owner === claimant) return "won";
  return view.claims.some((claim) => claim.claimant === claimant) ? "lost" : "none";
}

/**
 * The next task for `claimant`: its own unfinished task first (to resume), else the first open
 * task on the board. Tasks owned by others, finished tasks and those in `skip` are passed over.
 */
export function pickNextTask(
  state: RoomState,
  claimant: Soul,
  now: number,
  options: ClaimOptions & { skip?: ReadonlySet<TaskId> | undefined } = {},
): TaskView | undefined {
  const board = viewBoard(state, now, options).filter((view) => !options.skip?.has(view.id));
  return board.find((view) => view.status === "claimed" && view.owner === claimant) ?? board.find((view) => view.status === "open");
}

/** Why a claim, release or finish was refused locally. */
export interface ClaimRefusal {
  readonly reason: "unknown_task" | "not_on_roster" | "finished" | "owned" | "not_owner";
  readonly message: string;
}

const refuse = (reason: ClaimRefusal["reason"], message: string): { ok: false; error: ClaimRefusal } => ({ ok: false, error: { reason, message } });

/** A random 32-bit tiebreak from `crypto.getRandomValues`. */
function cryptoTiebreak(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * Claims a task for a running being on this peer. Refused locally when the task is unknown or
 * finished, the being is not running in the room, or the task already has another live owner.
 * Claiming a task one already owns returns the existing claim. Winning is only known once the
 * other peers' claims have arrived: check `claimStatus` and `backOff` on "lost".
 */
export function claimTask(
  room: RoomDoc,
  input: { task: TaskId; claimant: Soul; peer: string; now: number; tiebreak?: number | undefined } & ClaimOptions,
): Result<Claim, ClaimRefusal> {
  const { task, claimant, now } = input;
  const state = room.read();
  const view = viewTask(state, task, now, input);
  if (!view) return refuse("unknown_task", `task ${task} is not on the board`);
  if (state.roster.get(claimant)?.status !== "running") return refuse("not_on_roster", `being ${claimant} is not running in this room; join the roster first`);
  if (view.status === "done" || view.status === "failed") return refuse("finished", `task ${task} is already ${view.status}`);
  if (view.owner === claimant) return { ok: true, value: view.claims.find((claim) => claim.claimant === claimant)! };
  if (view.owner) return refuse("owned", `task ${task} is owned by ${view.owner}; pick another task`);
  const clock = 1 + Math.max(0, ...view.claims.map((claim) => claim.clock));
  const claim = Object.freeze(claimSchema.parse({ task, claimant, peer: input.peer, clock, tiebreak: input.tiebreak ?? cryptoTiebreak(), at: now }));
  room.transact((t) => t.claims.set(taskEntryKey(task, claimant), claim));
  return { ok: true, value: claim };
}

/** A loser withdraws its claim. Returns whether there was a losing claim to withdraw. */
export function backOff(room: RoomDoc, task: TaskId, claimant: Soul, now: number, options: ClaimOptions = {}): boolean {
  if (claimStatus(room.read(), task, claimant, now, options) !== "lost") return false;
  room.transact((t) => t.claims.delete(taskEntryKey(task, claimant)));
  return true;
}

function requireOwner(state: RoomState, task: TaskId, claimant: Soul, now: number, options: ClaimOptions): Result<TaskView, ClaimRefusal> {
  const view = viewTask(state, task, now, options);
  if (!view) return refuse("unknown_task", `task ${task} is not on the board`);
  if (view.status === "done" || view.status === "failed") return refuse("finished", `task ${task} is already ${view.status}`);
  if (view.owner !== claimant) return refuse("not_owner", `being ${claimant} does not own task ${task}${view.owner ? `; ${view.owner} does` : ""}`);
  return { ok: true, value: view };
}

/** The owner gives a task back: its claim goes, and the next live claim (if any) becomes the owner. */
export function releaseTask(room: RoomDoc, task: TaskId, claimant: Soul, now: number, options: ClaimOptions = {}): Result<void, ClaimRefusal> {
  const owned = requireOwner(room.read(), task, claimant, now, options);
  if (!owned.ok) return owned;
  room.transact((t) => t.claims.delete(taskEntryKey(task, claimant)));
  return { ok: true, value: undefined };
}

/** The owner records how the task ended. */
export function finishTask(
  room: RoomDoc,
  input: { task: TaskId; claimant: Soul; status: "done" | "failed"; now: number; note?: string | undefined } & ClaimOptions,
): Result<Outcome, ClaimRefusal> {
  const owned = requireOwner(room.read(), input.task, input.claimant, input.now, input);
  if (!owned.ok) return owned;
  const outcome = Object.freeze(outcomeSchema.parse({ task: input.task, status: input.status, by: input.claimant, at: input.now, note: input.note ?? "" }));
  room.transact((t) => t.outcomes.set(taskEntryKey(input.task, input.claimant), outcome));
  return { ok: true, value: outcome };
}

/**
 * Deletes the lapsed claims of unfinished tasks, so the board's history stays short. Any peer may
 * run it; the owner it leaves is the one `viewTask` already shows. Returns how many it deleted.
 */
export function reapStaleClaims(room: RoomDoc, now: number, options: ClaimOptions = {}): number {
  const state = room.read();
  const stale: string[] = [];
  for (const view of viewBoard(state, now, options)) {
    if (view.status === "done" || view.status === "failed") continue;
    for (const claim of view.claims) if (isClaimStale(claim, state.roster, now, options.staleAfterMs)) stale.push(taskEntryKey(claim.task, claim.claimant));
  }
  if (stale.length > 0) room.transact((t) => stale.forEach((key) => t.claims.delete(key)));
  return stale.length;
}

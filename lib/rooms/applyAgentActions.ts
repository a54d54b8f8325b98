/**
 * Carries out a room agent's actions on the room document (claims, outcomes, tasks, messages). What
 * only the being's host can do (feed a goal to its mind) goes to `onWork`; each override is written
 * into the room as a message from the being with its reason (the room's log is persisted in the
 * master) and handed to `onOverride` with its `room.override` event.
 */
import type { Soul } from "../ids";
import { backOff, claimTask, finishTask, releaseTask } from "./claims";
import type { AgentAction } from "./roomAgent";
import { RoomDocError, type RoomDoc } from "./roomDoc";
import type { OverrideDecision } from "./override";

export interface AgentContext {
  readonly me: Soul;
  readonly peer: string;
  readonly roomId: string;
  readonly now: number;
  /** A fresh message id. */
  readonly newId: () => string;
  readonly onWork?: ((goal: { id: string; description: string }) => void) | undefined;
  readonly onOverride?: ((decision: OverrideDecision) => void) | undefined;
}

/** Applies `actions` in order; returns the ones the document refused, with why (a lost race, a finished task). */
export function applyAgentActions(room: RoomDoc, actions: readonly AgentAction[], ctx: AgentContext): { action: AgentAction; why: string }[] {
  const refused: { action: AgentAction; why: string }[] = [];
  const say = (to: string, text: string, reply_to?: string) =>
    room.sendMessage({ id: ctx.newId(), from: ctx.me, to, text: text.slice(0, 16_000), at: ctx.now, reply_to });
  for (const action of actions) {
    switch (action.kind) {
      case "split":
        try {
          room.addTasks(
            action.mission,
            action.tasks.map((t) => ({ id: t.id, title: t.title, detail: t.detail, created_by: ctx.me, at: ctx.now })),
          );
        } catch (error) {
          if (!(error instanceof RoomDocError && error.reason === "exists")) throw error;
          refused.push({ action, why: "another being split this mission first" });
        }
        break;
      case "claim": {
        const result = claimTask(room, { task: action.task, claimant: ctx.me, peer: ctx.peer, now: ctx.now });
        if (!result.ok) refused.push({ action, why: result.error.message });
        break;
      }
      case "back_off":
        backOff(room, action.task, ctx.me, ctx.now);
        break;
      case "release": {
        const result = releaseTask(room, action.task, ctx.me, ctx.now);
        if (!result.ok) refused.push({ action, why: result.error.message });
        break;
      }
      case "finish": {
        const result = finishTask(room, { task: action.task, claimant: ctx.me, status: action.status, now: ctx.now, note: action.note });
        if (!result.ok) refused.push({ action, why: result.error.message });
        else say(`room:${ctx.roomId}`, `${action.task} ${action.status}${action.note ? `: ${action.note}` : ""}`);
        break;
      }
      case "work":
        ctx.onWork?.(action.goal);
        break;
      case "say":
        say(action.to, action.text, action.reply_to);
        break;
      case "override": {
        const data = action.decision.event?.data as { reason?: unknown } | undefined;
        const reason = typeof data?.reason === "string" ? data.reason : action.decision.winner.reason;
        say(`room:${ctx.roomId}`, `override on ${action.task}: ${reason}`);
        ctx.onOverride?.(action.decision);
        break;
      }
    }
  }
  return refused;
}

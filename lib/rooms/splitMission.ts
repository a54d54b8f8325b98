/**
 * Splitting a mission into tasks: pure and deterministic, so two beings that split the same mission
 * at once write the same task ids with the same content and the board does not double.
 */
import { MAX_BRIEF_LENGTH, MAX_NAME_LENGTH, MAX_TASKS_PER_MISSION } from "./constants";
import type { Mission, MissionId, TaskId } from "./roomSchema";

export interface SplitTask {
  readonly id: TaskId;
  readonly title: string;
  readonly detail: string;
}

const BULLET = /^\s*(?:[-*•]|\d{1,3}[.)])\s+(.+?)\s*$/;

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= MAX_NAME_LENGTH ? line : `${line.slice(0, MAX_NAME_LENGTH - 1)}…`;
}

/** The pieces of a brief: its bullet or numbered lines, else its sentences, else nothing. */
function piecesOf(brief: string): string[] {
  const lines = brief.split(/\r?\n/);
  const bullets = lines.map((line) => BULLET.exec(line)?.[1]).filter((item): item is string => Boolean(item));
  if (bullets.length > 0) return bullets;
  const sentences = brief
    .split(/(?<=[.!?;])\s+|\r?\n+/)
    .map((s) => s.replace(/[.;]+$/, "").trim())
    .filter((s) => s.length > 0);
  return sentences.length > 1 ? sentences : [];
}

/**
 * The tasks of a mission: one per bullet (or numbered line) of its brief; without bullets one per
 * sentence; a brief of one sentence or none is one task, the mission itself. At most
 * MAX_TASKS_PER_MISSION; the rest are folded into the last task's detail. Ids are `<mission>.<n>`.
 *
 * @example
 * splitMission("m-1", { title: "Garden", brief: "- map beds\n- water" }) // → m-1.1 "map beds", m-1.2 "water"
 */
export function splitMission(id: MissionId, mission: Pick<Mission, "title" | "brief">): SplitTask[] {
  const pieces = piecesOf(mission.brief);
  if (pieces.length === 0) return [{ id: `${id}.1` as TaskId, title: clip(mission.title), detail: mission.brief.trim() }];
  const kept = pieces.slice(0, MAX_TASKS_PER_MISSION);
  const rest = pieces.slice(MAX_TASKS_PER_MISSION);
  return kept.map((piece, i) => ({
    id: `${id}.${i + 1}` as TaskId,
    title: clip(piece),
    detail: [piece.length > MAX_NAME_LENGTH ? piece : "", i === kept.length - 1 && rest.length ? `also: ${rest.join("; ")}` : ""]
      .filter(Boolean)
      .join("\n")
      .slice(0, MAX_BRIEF_LENGTH),
  }));
}

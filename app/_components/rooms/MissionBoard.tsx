"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { viewBoard, type RoomState, type TaskView } from "../../../lib/rooms";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";
import { Panel } from "../ui/Panel";

const STATUS = {
  open: "bg-slate-100 text-slate-600",
  claimed: "bg-amber-50 text-amber-700",
  done: "bg-emerald-50 text-emerald-700",
  failed: "bg-rose-50 text-rose-700",
} as const;

/** Missions → tasks with status and owner; the master posts missions through rooms.postMission. */
export function MissionBoard({ roomId, room, readOnly }: { roomId: string; room: RoomState; readOnly: boolean }) {
  const trpc = useTRPC();
  const [title, setTitle] = useState("");
  const [brief, setBrief] = useState("");
  const post = useMutation(
    trpc.rooms.postMission.mutationOptions({
      onSuccess: () => {
        setTitle("");
        setBrief("");
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim()) post.mutate({ room: roomId, title: title.trim(), brief });
  };
  const board = viewBoard(room, Date.now());
  const missions = [...room.missions].sort(([, a], [, b]) => a.at - b.at);
  const nameOf = (soul: string | undefined) => (soul ? (room.roster.get(soul as never)?.name ?? soul.slice(0, 8)) : "");

  return (
    <Panel
      title="Mission board"
      description="The master posts a mission; beings in the room split it, claim one task each and report back."
      testId="mission-board"
    >
      {!readOnly && (
        <form onSubmit={submit} className="mb-5 grid gap-2 rounded-lg border border-slate-200 bg-slate-50 p-3" data-testid="mission-form">
          <p className="text-xs font-medium text-slate-600">Post a mission as the master</p>
          <input
            data-testid="mission-title"
            aria-label="Mission title"
            className={inputClass}
            placeholder="e.g. Survey the garden"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
          />
          <textarea
            data-testid="mission-brief"
            aria-label="Mission brief"
            className={`${inputClass} min-h-20`}
            placeholder={"One task per line:\n- map the north bed\n- count the seedlings"}
            value={brief}
            maxLength={8000}
            onChange={(e) => setBrief(e.target.value)}
          />
          <div className="flex items-center gap-3">
            <Button type="submit" variant="primary" size="sm" data-testid="mission-post" disabled={post.isPending || !title.trim()}>
              {post.isPending ? "Posting…" : "Post mission"}
            </Button>
            {post.error && <span className="text-xs text-rose-700">{errorMessage(post.error)}</span>}
          </div>
        </form>
      )}
      {missions.length === 0 && <p className="text-sm text-slate-500">No missions yet.</p>}
      <div className="grid gap-4">
        {missions.map(([id, mission]) => {
          const tasks = board.filter((view) => view.task.mission === id);
          const done = tasks.filter((t) => t.status === "done").length;
          return (
            <article key={id} data-testid="mission" data-mission={id} className="rounded-lg border border-slate-200">
              <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-100 px-3 py-2">
                <h3 className="text-sm font-semibold text-slate-900">{mission.title}</h3>
                <span className="text-xs text-slate-500">
                  by {mission.posted_by} · {tasks.length ? `${done}/${tasks.length} done` : "waiting for a being to split it"}
                </span>
              </header>
              <ul className="divide-y divide-slate-100">
                {tasks.map((view) => (
                  <TaskRow key={view.id} view={view} owner={nameOf(view.owner)} claimants={view.claims.length} />
                ))}
              </ul>
            </article>
          );
        })}
      </div>
    </Panel>
  );
}

function TaskRow({ view, owner, claimants }: { view: TaskView; owner: string; claimants: number }) {
  return (
    <li
      className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm"
      data-testid="task"
      data-task={view.id}
      data-status={view.status}
      data-owner={view.owner ?? ""}
    >
      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS[view.status]}`}>{view.status}</span>
      <span className="min-w-0 flex-1 truncate text-slate-800" title={view.task.detail || view.task.title}>
        {view.task.title}
      </span>
      {owner && <span className="text-xs text-slate-500">owner {owner}</span>}
      {claimants > 1 && view.status === "claimed" && <span className="text-xs text-amber-600">{claimants} claims, resolving</span>}
      {view.outcome?.note && <span className="w-full truncate pl-1 text-xs text-slate-400">{view.outcome.note}</span>}
    </li>
  );
}

"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { formatTime } from "../../_lib/formatTime";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";
import { DiffTable } from "./DiffTable";
import { HistoryTrack } from "./HistoryTrack";

/** Scrub through a room's document: roster, board, messages and notes as they were; restore into a new room. */
export function RoomScrubber({ room }: { room: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.timeline.roomHistory.queryOptions({ room, limit: 1000 }));
  const versions = useMemo(() => [...(history.data?.items ?? [])].reverse(), [history.data]);
  const [index, setIndex] = useState<number | null>(null);
  useEffect(() => setIndex(null), [room, versions.length]);
  const chosen = index ?? versions.length - 1;
  const version = versions[chosen];
  const then = useQuery({ ...trpc.timeline.roomAt.queryOptions({ room, moment: { seq: version?.seq ?? 0 } }), enabled: version !== undefined });
  const now = useQuery(trpc.timeline.roomAt.queryOptions({ room }));
  const restore = useMutation(
    trpc.timeline.restoreRoom.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.rooms.list.queryKey() }) }),
  );

  if (history.isPending) return <Spinner label="Loading the room's history…" />;
  if (history.error) return <ErrorBox error={history.error} onRetry={() => void history.refetch()} />;
  if (versions.length === 0) return <p className="text-sm text-slate-500">Nothing was written in this room yet (or retention compacted all of it).</p>;
  const view = then.data?.view;
  return (
    <div className="grid gap-4" data-testid="room-scrubber">
      <HistoryTrack times={versions.map((v) => v.at)} index={chosen} onChange={setIndex} label="Moment in the room's history" />
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="font-medium text-slate-900" data-testid="replay-moment">
          Update {chosen + 1} of {versions.length} · {formatTime(version!.at)}
        </span>
        {then.data?.history_starts && <span className="text-xs text-slate-500">history kept since {formatTime(then.data.history_starts)}</span>}
        <Button
          size="sm"
          variant="primary"
          className="ml-auto"
          disabled={chosen === versions.length - 1 || restore.isPending}
          onClick={() => restore.mutate({ room, moment: { seq: version!.seq } })}
        >
          {restore.isPending ? "Restoring…" : "Restore as a new room"}
        </Button>
      </div>
      {restore.error && <ErrorBox error={restore.error} title="Could not restore" />}
      {restore.data && <p className="text-sm text-emerald-700">Restored as “{restore.data.name}”; the room itself is unchanged. Find it under Rooms.</p>}
      {view && now.data && (
        <div className="grid gap-4 lg:grid-cols-2">
          <div className="grid grid-cols-2 gap-2 text-sm" data-testid="room-replay">
            {(
              [
                ["Roster", Object.keys(view.roster).length],
                ["Missions", Object.keys(view.missions).length],
                ["Tasks", Object.keys(view.tasks).length],
                ["Messages", view.messages.length],
              ] as const
            ).map(([label, n]) => (
              <div key={label} className="rounded-lg border border-slate-200 p-2">
                <div className="text-xs text-slate-500">{label}</div>
                <div className="text-lg font-semibold text-slate-900" data-testid={`room-stat-${label.toLowerCase()}`}>
                  {n}
                </div>
              </div>
            ))}
            <div className="col-span-2 rounded-lg border border-slate-200 p-2">
              <div className="text-xs text-slate-500">Notes</div>
              <p className="line-clamp-4 text-sm whitespace-pre-wrap text-slate-800">{view.notes || "—"}</p>
            </div>
          </div>
          <div>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Then → now</h3>
            <DiffTable then={view} now={now.data.view} />
          </div>
        </div>
      )}
    </div>
  );
}

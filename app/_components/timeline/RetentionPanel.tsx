"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { MAX_HOT_DAYS, MIN_HOT_DAYS } from "../../../lib/timeline/constants";
import { formatTime } from "../../_lib/formatTime";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { inputClass } from "../ui/FormField";

/** One room's retention: how many days stay hot, and the archives the janitor wrote. */
export function RoomRetention({ room }: { room: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useQuery(trpc.timeline.roomRetention.queryOptions({ room }));
  const [days, setDays] = useState("");
  const set = useMutation(
    trpc.timeline.setRetention.mutationOptions({
      onSuccess: () => {
        setDays("");
        void queryClient.invalidateQueries({ queryKey: trpc.timeline.roomRetention.queryKey({ room }) });
        void queryClient.invalidateQueries({ queryKey: trpc.timeline.retention.queryKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (days) set.mutate({ room, hot_days: Number(days) });
  };
  const policy = state.data?.policy;
  return (
    <div className="grid gap-3 text-sm" data-testid="room-retention">
      <p className="text-slate-700">
        {policy ? (
          <>
            Keeps <strong>{policy.hot_days} days</strong> hot; older events and room history are archived and compacted into a snapshot.{" "}
            {policy.last_run_at ? `Last run ${formatTime(policy.last_run_at)}.` : "Not run yet: the janitor runs it within the hour."}
          </>
        ) : (
          "No policy: everything stays hot."
        )}
      </p>
      <form onSubmit={submit} className="flex flex-wrap items-center gap-2">
        <div className="w-28">
          <input
            type="number"
            min={MIN_HOT_DAYS}
            max={MAX_HOT_DAYS}
            className={inputClass}
            placeholder="days"
            aria-label="Days to keep hot"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </div>
        <Button type="submit" size="sm" disabled={!days || set.isPending}>
          Keep this many days hot
        </Button>
        {policy && (
          <Button size="sm" variant="ghost" onClick={() => set.mutate({ room, hot_days: null })}>
            Keep everything
          </Button>
        )}
      </form>
      {set.error && <ErrorBox error={set.error} title="Could not change retention" />}
      {(state.data?.archives.length ?? 0) > 0 && (
        <ul className="grid gap-1 text-xs text-slate-600">
          {state.data!.archives.map((a) => (
            <li key={a.id} className="font-mono">
              {formatTime(a.created_at)} · {a.events} events, {a.room_updates} room updates before {formatTime(a.cutoff)} → {a.file}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Every room's policy at a glance. */
export function RetentionOverview({ onRoom }: { onRoom: (room: string) => void }) {
  const trpc = useTRPC();
  const policies = useQuery(trpc.timeline.retention.queryOptions());
  if (policies.error) return <ErrorBox error={policies.error} />;
  const list = policies.data?.policies ?? [];
  if (list.length === 0) return <p className="text-sm text-slate-500">No room has a retention policy: the whole log stays hot. Filter by a room to set one.</p>;
  return (
    <ul className="grid gap-1 text-sm" data-testid="retention-overview">
      {list.map((p) => (
        <li key={p.room} className="flex flex-wrap items-center gap-2">
          <button type="button" className="font-medium text-indigo-700 hover:underline" onClick={() => onRoom(p.room)}>
            {p.room_name ?? p.room}
          </button>
          <span className="text-slate-600">{p.hot_days} days hot</span>
          <span className="text-xs text-slate-400">{p.last_run_at ? `last run ${formatTime(p.last_run_at)}` : "not run yet"}</span>
        </li>
      ))}
    </ul>
  );
}

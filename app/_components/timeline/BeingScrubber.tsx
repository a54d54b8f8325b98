"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { formatTime } from "../../_lib/formatTime";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { JsonView } from "../ui/JsonView";
import { Spinner } from "../ui/Spinner";
import { DiffTable } from "./DiffTable";
import { HistoryTrack } from "./HistoryTrack";

/**
 * Scrub through a being's versions at the master: the record as it was at the chosen one, what
 * differs from now, and "restore", which makes it so again as a new version.
 */
export function BeingScrubber({ soul, branch, onTrace }: { soul: string; branch: string; onTrace: (trace: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.timeline.beingHistory.queryOptions({ soul, limit: 1000 }));
  const versions = useMemo(() => [...(history.data?.items ?? [])].reverse(), [history.data]);
  const [index, setIndex] = useState<number | null>(null);
  const chosen = index ?? versions.length - 1;
  useEffect(() => setIndex(null), [soul, versions.length]);
  const version = versions[chosen];
  const then = useQuery({ ...trpc.timeline.beingAt.queryOptions({ soul, branch, moment: { seq: version?.seq ?? 0 } }), enabled: version !== undefined });
  const now = useQuery(trpc.timeline.beingAt.queryOptions({ soul, branch }));
  const restore = useMutation(
    trpc.timeline.restoreBeing.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.timeline.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.beings.pathKey() });
      },
    }),
  );

  if (history.isPending) return <Spinner label="Loading the being's history…" />;
  if (history.error) return <ErrorBox error={history.error} onRetry={() => void history.refetch()} />;
  if (versions.length === 0) return <p className="text-sm text-slate-500">The master has no recorded changes of this being yet.</p>;
  const isNow = chosen === versions.length - 1;
  return (
    <div className="grid gap-4" data-testid="being-scrubber">
      <HistoryTrack times={versions.map((v) => v.at)} index={chosen} onChange={setIndex} label="Moment in the being's history" />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <span className="font-medium text-slate-900" data-testid="replay-moment">
          Version {chosen + 1} of {versions.length} · {formatTime(version!.at)}
        </span>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
          {version!.op}
          {version!.fields.length > 0 && version!.op === "changed" ? `: ${version!.fields.join(", ")}` : ""}
        </span>
        {version!.trace && (
          <button type="button" className="text-xs text-indigo-600 hover:underline" onClick={() => onTrace(version!.trace!.split("-")[1] ?? "")}>
            open its trace
          </button>
        )}
        <div className="ml-auto flex gap-2">
          <Button
            size="sm"
            variant="primary"
            data-testid="restore-being"
            disabled={isNow || restore.isPending || !then.data?.being}
            onClick={() => restore.mutate({ soul, branch, moment: { seq: version!.seq } })}
          >
            {restore.isPending ? "Restoring…" : "Restore to this moment"}
          </Button>
        </div>
      </div>
      {restore.error && <ErrorBox error={restore.error} title="Could not restore" />}
      {restore.data && (
        <p className="text-sm text-emerald-700" data-testid="restore-done">
          Restored as a new version; every earlier version is still in the history.
        </p>
      )}
      {then.error && <ErrorBox error={then.error} />}
      {then.data && now.data && (
        <div className="grid gap-4 lg:grid-cols-2">
          <div>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
              As it was {then.data.replayed > 0 && <span className="font-normal normal-case">(snapshot + {then.data.replayed} changes replayed)</span>}
            </h3>
            {then.data.being ? (
              <JsonView
                testId="replay-record"
                doc={{
                  name: then.data.being.genesis["name"] ?? null,
                  tags: then.data.being.tags,
                  energy_level: then.data.being.energy_level,
                  genesis: then.data.being.genesis,
                  attributes: then.data.being.attributes,
                  memories: then.data.being.memories,
                  self_awareness: then.data.being.self_awareness,
                  branches: then.data.being.branches,
                }}
              />
            ) : (
              <p className="text-sm text-slate-500">Not in branch {branch} at that moment.</p>
            )}
          </div>
          <div>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Then → now</h3>
            <DiffTable then={strip(then.data.being)} now={strip(now.data.being)} />
          </div>
        </div>
      )}
    </div>
  );
}

/** What a person compares: the record without the bookkeeping times. */
function strip(being: { updated_at: string; created_at: string } | null) {
  if (!being) return null;
  const { updated_at: _u, created_at: _c, ...rest } = being;
  return rest;
}

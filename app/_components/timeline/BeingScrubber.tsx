"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { formatTime } from "../../_lib/formatTime";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { JsonView } from "../ui/JsonView";
import { Spinner } from "../ui/Spinner";
import { BranchPicker } from "./BranchPicker";
import { DiffTable } from "./DiffTable";
import { HistoryTrack } from "./HistoryTrack";
import { RelationshipsDiff } from "./RelationshipsDiff";

type Version = {
  op: string;
  layer: "base" | "version" | "relationship";
  branches: string[];
  fields: string[];
  relationship: { peer: string; direction: "out" | "in" } | null;
};

/** What one entry of the being's history was, in words. */
function describe(v: Version): string {
  if (v.layer === "relationship" && v.relationship) {
    return `relationship ${v.op} ${v.relationship.direction === "out" ? "→" : "←"} ${v.relationship.peer.slice(0, 8)}…`;
  }
  const fields = v.fields.length > 0 && v.op === "changed" ? `: ${v.fields.join(", ")}` : "";
  return v.layer === "version" ? `${v.op} in a branch${fields}` : `${v.op}${fields}`;
}

/**
 * Scrub through a being's versions at the master — its record, its versions in branches and the relationships
 * touching it: the being as the chosen branch saw it at the chosen moment, what differs from now, and
 * "restore", which makes it so again as a new version.
 */
export function BeingScrubber({ soul, branch, onTrace }: { soul: string; branch: string; onTrace: (trace: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.timeline.beingHistory.queryOptions({ soul, limit: 1000 }));
  const versions = useMemo(() => [...(history.data?.items ?? [])].reverse(), [history.data]);
  const [index, setIndex] = useState<number | null>(null);
  const [seenFrom, setSeenFrom] = useState(branch);
  useEffect(() => setSeenFrom(branch), [branch, soul]);
  const chosen = index ?? versions.length - 1;
  useEffect(() => setIndex(null), [soul, versions.length]);
  const version = versions[chosen];
  const branchesInHistory = useMemo(() => [...new Set(versions.filter((v) => v.layer !== "relationship").flatMap((v) => v.branches))], [versions]);
  const then = useQuery({
    ...trpc.timeline.beingAt.queryOptions({ soul, branch: seenFrom, moment: { seq: version?.seq ?? 0 } }),
    enabled: version !== undefined,
  });
  const now = useQuery(trpc.timeline.beingAt.queryOptions({ soul, branch: seenFrom }));
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
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="replay-change">
          {describe(version!)}
        </span>
        {version!.trace && (
          <button type="button" className="text-xs text-indigo-600 hover:underline" onClick={() => onTrace(version!.trace!.split("-")[1] ?? "")}>
            open its trace
          </button>
        )}
        <div className="ml-auto flex items-center gap-3">
          <BranchPicker branches={branchesInHistory} value={seenFrom} onChange={setSeenFrom} />
          <Button
            size="sm"
            variant="primary"
            data-testid="restore-being"
            disabled={isNow || restore.isPending || !then.data?.being}
            onClick={() => restore.mutate({ soul, branch: seenFrom, moment: { seq: version!.seq } })}
          >
            {restore.isPending ? "Restoring…" : "Restore to this moment"}
          </Button>
        </div>
      </div>
      {restore.error && <ErrorBox error={restore.error} title="Could not restore" />}
      {restore.data && (
        <p className="text-sm text-emerald-700" data-testid="restore-done">
          Restored as a new version
          {restore.data.relationships &&
            restore.data.relationships.created + restore.data.relationships.updated + restore.data.relationships.deleted > 0 &&
            ` with its relationships (${restore.data.relationships.created} back, ${restore.data.relationships.updated} changed back, ${restore.data.relationships.deleted} removed)`}
          ; every earlier version is still in the history.
          {restore.data.relationships && restore.data.relationships.skipped > 0 && (
            <span className="text-amber-700"> {restore.data.relationships.skipped} relationships this branch reads from its parent were left as they are.</span>
          )}
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
              <p className="text-sm text-slate-500" data-testid="replay-absent">
                {then.data.deleted_in.includes(seenFrom) ? "Deleted in this branch at that moment." : "Not in this branch at that moment."}
              </p>
            )}
          </div>
          <div>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Record then → now</h3>
            <DiffTable then={strip(then.data.being)} now={strip(now.data.being)} />
          </div>
          <div className="lg:col-span-2">
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Relationships then, against now</h3>
            <RelationshipsDiff soul={soul} then={then.data.relationships} now={now.data.relationships} />
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

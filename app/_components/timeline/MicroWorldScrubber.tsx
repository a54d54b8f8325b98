"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { MicroWorldMoment, MicroWorldMomentTable } from "../../../workers/being/api";
import { loadSwarmEntries } from "../../_swarm/swarmStorage";
import { useSwarm } from "../../_swarm/useSwarm";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";
import { HistoryTrack } from "./HistoryTrack";

/** Moments the scrubber lists (newest first from the worker): a few minutes of a busy being, hours of a quiet one. */
const MOMENTS_SHOWN = 500;
/** How often the history is asked for again while the page is open: the being keeps living. */
const REFRESH_MS = 5_000;
/** The columns a person reads per recorded table (the rest stay in the query box). */
const SHOWN: Record<string, readonly string[]> = {
  facts: ["text", "source", "confidence"],
  memories: ["kind", "text"],
  world_model: ["key", "expected", "observed"],
};

/** A moment to the millisecond, in the reader's time zone: moments of a busy being are close together. */
function momentLabel(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleDateString(undefined, { day: "numeric", month: "short" })} ${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * Scrub through a local being's micro-world (its SQLite file in this browser): its facts, memories and world model as
 * they were at each recorded moment, what changed since, and "restore", which makes them so again as new recorded
 * changes. A being that runs elsewhere (another tab or browser, or not at all) has its micro-world there: it says so.
 */
export function MicroWorldScrubber({ soul, onTrace }: { soul: string; onTrace: (trace: string) => void }) {
  // NOTE: a tab whose swarm never held this being starts no swarm host (and no spare worker) just to say so.
  // (read after mount: the server, which renders the page first, has no swarm)
  const [known, setKnown] = useState<boolean | null>(null);
  useEffect(() => setKnown(loadSwarmEntries().some((e) => e.record.soul === soul && e.desired !== "stopped")), [soul]);
  if (known === null) return <Spinner label="Looking for the being in this tab…" />;
  return known ? <LocalMicroWorld soul={soul} onTrace={onTrace} /> : <NotLocal />;
}

function NotLocal() {
  return (
    <p className="text-sm text-slate-600" data-testid="micro-world-not-local">
      This being is not running in this browser tab, so its micro-world (the SQLite file it keeps in the browser that runs it) cannot be shown here. Open the
      timeline in the tab that runs it, or start it on the Swarm page of this tab; its record at the master is above.
    </p>
  );
}

function LocalMicroWorld({ soul, onTrace }: { soul: string; onTrace: (trace: string) => void }) {
  const { host, beings } = useSwarm();
  const local = beings.find((b) => b.soul === soul);
  const api = host && local ? host.workerApi(soul) : null;
  const queryClient = useQueryClient();
  const history = useQuery({
    queryKey: ["microWorld", soul, "history"],
    queryFn: () => api!.microWorldHistory(MOMENTS_SHOWN),
    enabled: api !== null,
    refetchInterval: REFRESH_MS,
  });
  const moments = useMemo(() => [...(history.data?.moments ?? [])].reverse(), [history.data]);
  // NOTE: the choice is kept as a moment, not an index, so the being writing on meanwhile does not move it.
  const [chosenAt, setChosenAt] = useState<number | null>(null);
  const found = chosenAt === null ? -1 : moments.findIndex((m) => m.at === chosenAt);
  const index = found >= 0 ? found : moments.length - 1;
  const moment = moments[index];
  const isNow = index === moments.length - 1;
  const then = useQuery({
    queryKey: ["microWorld", soul, "at", moment?.at, history.dataUpdatedAt],
    queryFn: () => api!.microWorldAt(moment!.at),
    enabled: api !== null && moment !== undefined,
    placeholderData: (previous) => previous,
  });
  const restore = useMutation({
    mutationFn: (at: number) => api!.restoreMicroWorld(at),
    onSuccess: () => {
      setChosenAt(null);
      void queryClient.invalidateQueries({ queryKey: ["microWorld", soul] });
    },
  });

  if (!host || !local || !api) return host ? <NotLocal /> : <Spinner label="Looking for the being in this tab…" />;
  if (history.isPending) return <Spinner label="Reading the micro-world's history…" />;
  if (history.error) return <ErrorBox error={history.error} onRetry={() => void history.refetch()} />;
  if (moments.length === 0)
    return <p className="text-sm text-slate-500">The micro-world has recorded no changes yet: teach the being something, or let it run a while.</p>;

  return (
    <div className="grid gap-4" data-testid="micro-world-scrubber">
      <HistoryTrack
        times={moments.map((m) => new Date(m.at).toISOString())}
        index={index}
        onChange={(i) => setChosenAt(i === moments.length - 1 ? null : (moments[i]?.at ?? null))}
        label="Moment in the micro-world's history"
        testId="micro-world-track"
      />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <span className="font-medium text-slate-900" data-testid="micro-world-moment" data-at={moment!.at}>
          Moment {index + 1} of {moments.length} · {momentLabel(moment!.at)}
        </span>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
          {moment!.changes} change{moment!.changes === 1 ? "" : "s"} to {moment!.tables.join(", ")}
        </span>
        {moment!.trace && (
          <button type="button" className="text-xs text-indigo-600 hover:underline" onClick={() => onTrace(moment!.trace!.split("-")[1] ?? "")}>
            open its trace
          </button>
        )}
        <div className="ml-auto">
          <Button
            size="sm"
            variant="primary"
            data-testid="restore-micro-world"
            disabled={isNow || restore.isPending || !then.data}
            onClick={() => restore.mutate(moment!.at)}
          >
            {restore.isPending ? "Restoring…" : "Restore the micro-world to this moment"}
          </Button>
        </div>
      </div>
      {restore.error && <ErrorBox error={restore.error} title="Could not restore the micro-world" />}
      {restore.data && (
        <p className="text-sm text-emerald-700" data-testid="micro-world-restored">
          Restored to {momentLabel(restore.data.at)} with {Object.values(restore.data.changed).reduce((n, k) => n + k, 0)} new recorded changes; every earlier
          moment is still in the history.
        </p>
      )}
      {then.error && <ErrorBox error={then.error} />}
      {then.isPending ? (
        <Spinner label="Rebuilding that moment…" />
      ) : (
        then.data && (
          // NOTE: while another moment is rebuilt the last one stays, dimmed, so the tables do not jump.
          <div className={then.isPlaceholderData ? "opacity-50" : ""}>
            <MomentTables moment={then.data} />
          </div>
        )
      )}
      <p className="text-xs text-slate-500">
        Recorded: facts, memories and the world model ({history.data.entries.toLocaleString()} changes kept). Not rewound:{" "}
        {history.data.notRecorded.map((n) => `${n.table} (${n.why})`).join("; ")}. A restore changes this micro-world only: what the master already holds stays
        there.
      </p>
    </div>
  );
}

function MomentTables({ moment }: { moment: MicroWorldMoment }) {
  return (
    <div className="grid gap-4 lg:grid-cols-3" data-testid="micro-world-tables" data-at={moment.at}>
      {moment.tables.map((table) => (
        <MomentTable key={table.name} table={table} />
      ))}
      <p className="text-[11px] text-slate-400 lg:col-span-3">
        Rebuilt in {moment.ms} ms by undoing {moment.undone.toLocaleString()} recorded change{moment.undone === 1 ? "" : "s"} in a copy; the being&apos;s file
        was not touched.
      </p>
    </div>
  );
}

function MomentTable({ table }: { table: MicroWorldMomentTable }) {
  const shown = (SHOWN[table.name] ?? table.columns).map((c) => table.columns.indexOf(c)).filter((i) => i >= 0);
  const cells = (row: readonly (string | number | null)[]) => shown.map((i) => row[i]);
  const text = (value: string | number | null | undefined) =>
    value === null || value === undefined ? "—" : typeof value === "number" ? String(Math.round(value * 1000) / 1000) : value;
  return (
    <section className="min-w-0 rounded-lg border border-slate-200" data-testid={`micro-world-table-${table.name}`}>
      <header className="flex items-baseline justify-between gap-2 border-b border-slate-100 px-3 py-2">
        <h3 className="font-mono text-xs font-semibold text-slate-800">{table.name}</h3>
        <span className="text-[11px] text-slate-500">{table.available ? `${table.total} then · ${table.nowTotal} now` : `${table.nowTotal} now`}</span>
      </header>
      {!table.available ? (
        <p className="px-3 py-2 text-xs text-amber-700">
          Its recorded history starts at {momentLabel(table.floor!)}: older changes were pruned, or it held rows before recording began.
        </p>
      ) : (
        <div className="grid gap-2 px-3 py-2 text-xs">
          {table.added.length + table.removed.length + table.changed.length === 0 ? (
            <p className="text-emerald-700">Identical to now.</p>
          ) : (
            <ul className="grid gap-1" data-testid={`micro-world-diff-${table.name}`}>
              {table.added.map((row, i) => (
                <li key={`a${i}`} className="truncate text-emerald-700" title={cells(row).map(text).join(" · ")}>
                  + since: {cells(row).map(text).join(" · ")}
                </li>
              ))}
              {table.removed.map((row, i) => (
                <li key={`r${i}`} className="truncate text-rose-700" title={cells(row).map(text).join(" · ")}>
                  − gone now: {cells(row).map(text).join(" · ")}
                </li>
              ))}
              {table.changed.map((pair, i) => (
                <li
                  key={`c${i}`}
                  className="truncate text-amber-700"
                  title={`${cells(pair.then).map(text).join(" · ")} → ${cells(pair.now).map(text).join(" · ")}`}
                >
                  ~ {cells(pair.then).map(text).join(" · ")} → {cells(pair.now).map(text).join(" · ")}
                </li>
              ))}
            </ul>
          )}
          <details open={table.name === "facts"}>
            <summary className="cursor-pointer text-slate-500">
              As it was ({table.total} row{table.total === 1 ? "" : "s"}
              {table.total > table.rows.length ? `, the newest ${table.rows.length}` : ""})
            </summary>
            <ol className="mt-1 grid max-h-56 gap-0.5 overflow-y-auto font-mono text-[11px] text-slate-700" data-testid={`micro-world-rows-${table.name}`}>
              {table.rows.map((row, i) => (
                <li key={i} className="truncate" title={cells(row).map(text).join(" · ")}>
                  {cells(row).map(text).join(" · ")}
                </li>
              ))}
            </ol>
          </details>
        </div>
      )}
    </section>
  );
}

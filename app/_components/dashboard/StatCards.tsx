"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_trpc/client";
import { ErrorBox } from "../ui/ErrorBox";
import { Skeleton } from "../ui/Skeleton";

function Stat({ label, value, detail, testId }: { label: string; value: string; detail: string; testId: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tracking-tight text-slate-900 tabular-nums">{value}</p>
      <p className="mt-0.5 text-xs text-slate-400">{detail}</p>
    </div>
  );
}

/** The master's counts and store, as three cards. */
export function StatCards() {
  const trpc = useTRPC();
  const info = useQuery(trpc.master.info.queryOptions());
  if (info.isPending) {
    return (
      <div className="grid gap-3 sm:grid-cols-3" aria-busy="true">
        {[0, 1, 2].map((i) => (
          <div key={i} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <Skeleton className="h-3 w-20" />
            <Skeleton className="mt-3 h-7 w-16" />
          </div>
        ))}
      </div>
    );
  }
  if (info.isError) return <ErrorBox error={info.error} title="The master does not answer" onRetry={() => void info.refetch()} testId="dashboard-error" />;
  const { counts, store, version } = info.data;
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <Stat label="Beings" value={counts.beings.toLocaleString("en-US")} detail="agents, functions, facts, rooms" testId="stat-beings" />
      <Stat label="Relationships" value={counts.relationships.toLocaleString("en-US")} detail="edges of the world graph" testId="stat-relationships" />
      <Stat
        label="Master store"
        value={store === "pglite" ? "PGlite" : "PostgreSQL"}
        detail={`${store === "pglite" ? "embedded, local folder" : "server with pgvector"} · v${version}`}
        testId="stat-store"
      />
    </div>
  );
}

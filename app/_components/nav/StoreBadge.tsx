"use client";
import { useQuery } from "@tanstack/react-query";
import { errorCode } from "../../_lib/errorMessage";
import { useTRPC } from "../../_trpc/client";

/** How often the badge asks the master for its counts. */
const STATUS_REFRESH_MS = 15_000;

/** The master's store kind and counts, or a red dot when it does not answer. */
export function StoreBadge() {
  const trpc = useTRPC();
  const info = useQuery({ ...trpc.master.info.queryOptions(), refetchInterval: STATUS_REFRESH_MS });

  if (info.isPending) {
    return <span className="h-7 w-40 animate-pulse rounded-full bg-slate-200/80" aria-label="Loading status" data-testid="store-badge-loading" />;
  }
  // NOTE: signed out of a team server: the master answers, it just tells nothing until sign-in.
  if (info.isError && errorCode(info.error) === "UNAUTHORIZED") return null;
  if (info.isError) {
    return (
      <button
        type="button"
        onClick={() => void info.refetch()}
        data-testid="store-badge-error"
        title={`${info.error.message} — click to retry`}
        className="inline-flex items-center gap-1.5 rounded-full bg-rose-50 px-2.5 py-1 text-xs font-medium text-rose-700 ring-1 ring-rose-200 ring-inset hover:bg-rose-100"
      >
        <span className="size-1.5 rounded-full bg-rose-500" /> master offline · retry
      </button>
    );
  }
  const { store, counts, version } = info.data;
  return (
    <span
      data-testid="store-badge"
      title={`Master store: ${store}, LuxOS ${version}`}
      className="inline-flex items-center gap-2 rounded-full bg-white px-2.5 py-1 text-xs text-slate-600 ring-1 ring-slate-200 ring-inset"
    >
      <span className="inline-flex items-center gap-1.5 font-semibold text-slate-800">
        <span className={`size-1.5 rounded-full ${info.isRefetchError ? "bg-rose-500" : "bg-emerald-500"}`} />
        <span data-testid="store-kind">{store}</span>
      </span>
      <span className="hidden h-3 w-px bg-slate-200 sm:inline" />
      <span className="hidden tabular-nums sm:inline" data-testid="store-counts">
        {counts.beings.toLocaleString("en-US")} beings · {counts.relationships.toLocaleString("en-US")} links
      </span>
    </span>
  );
}

"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import type { BeingFilter } from "../../_lib/beingFilter";
import { beingName, beingType } from "../../_lib/beingName";
import { errorMessage } from "../../_lib/errorMessage";
import { formatAge, formatTime } from "../../_lib/formatTime";
import { useKeysetPages } from "../../_lib/useKeysetPages";
import { useTRPC, useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { CoreBadge } from "../ui/CoreBadge";
import { EmptyState } from "../ui/EmptyState";
import { EnergyPill } from "../ui/EnergyPill";
import { ErrorBox } from "../ui/ErrorBox";
import { SkeletonRows } from "../ui/Skeleton";
import { Spinner } from "../ui/Spinner";
import { TagChips } from "../ui/TagChips";

/** Rows per "Load more". */
const PAGE_SIZE = 25;

/** Beings matching `filter`, newest first, a page at a time (keyset pagination). */
export function BeingsTable({ filter, filtered, onCreate }: { filter: BeingFilter; filtered: boolean; onCreate: () => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const input = { ...filter, limit: PAGE_SIZE };
  const list = useKeysetPages(trpc.beings.list.infiniteQueryKey(input), (cursor) => client.beings.list.query({ ...input, cursor }), { keepPrevious: true });
  // NOTE: what is on screen and for how many filters, so tests (and people) can tell stale rows from fresh ones.
  const results = (state: "loading" | "error" | "updating" | "ready", body: ReactNode) => (
    <div data-testid="beings-results" data-state={state} data-filter-count={Object.keys(filter).length}>
      {body}
    </div>
  );

  if (list.isPending) return results("loading", <SkeletonRows rows={6} testId="beings-loading" />);
  if (!list.data) {
    return results(
      "error",
      <div className="p-4">
        <ErrorBox error={list.error} title="Could not load beings" onRetry={() => void list.refetch()} testId="beings-error" />
      </div>,
    );
  }
  const beings = list.data.pages.flatMap((p) => p.items);
  if (beings.length === 0) {
    return results(
      "ready",
      filtered ? (
        <EmptyState title="No being matches these filters" testId="beings-empty">
          Loosen a filter or clear them all.
        </EmptyState>
      ) : (
        <EmptyState
          title="No beings yet"
          testId="beings-empty"
          action={
            <Button variant="primary" onClick={onCreate}>
              Create the first being
            </Button>
          }
        >
          Beings are agents, functions, facts and rooms: everything that lives in LuxOS.
        </EmptyState>
      ),
    );
  }

  return results(
    list.isPlaceholderData ? "updating" : "ready",
    <div className="relative" aria-busy={list.isPlaceholderData}>
      {list.isPlaceholderData && (
        <div
          className="absolute top-2 right-3 z-10 flex items-center gap-1.5 rounded-full bg-white/90 px-2 py-1 text-xs text-slate-500 shadow-sm ring-1 ring-slate-200"
          data-testid="beings-updating"
        >
          <Spinner className="size-3" /> Updating…
        </div>
      )}
      <div className={`overflow-x-auto transition-opacity ${list.isPlaceholderData ? "opacity-60" : ""}`}>
        <table className="w-full text-left text-sm" data-testid="beings-table">
          <thead className="border-b border-slate-200 bg-slate-50/70 text-xs font-medium text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Tags
              </th>
              <th scope="col" className="px-4 py-2.5 font-medium">
                Energy
              </th>
              <th scope="col" className="px-4 py-2.5 text-right font-medium whitespace-nowrap">
                Created
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {beings.map((being) => {
              const type = beingType(being);
              return (
                <tr key={being.soul} data-testid="being-row" data-soul={being.soul} className="group hover:bg-indigo-50/40">
                  <td className="max-w-[18rem] px-4 py-3">
                    <div className="flex items-center gap-2">
                      <Link
                        href={`/beings/${being.soul}`}
                        data-testid="being-link"
                        className="truncate font-medium text-slate-900 group-hover:text-indigo-700 hover:underline"
                      >
                        {beingName(being)}
                      </Link>
                      {being.core && <CoreBadge />}
                    </div>
                    <div className="mt-0.5 flex items-center gap-1.5 text-xs text-slate-500">
                      {type && <span className="rounded bg-slate-100 px-1.5 py-px font-medium text-slate-600">{type}</span>}
                      <span className="truncate font-mono text-[11px] text-slate-400">{being.soul.slice(0, 8)}</span>
                    </div>
                  </td>
                  <td className="px-4 py-3">
                    <TagChips tags={being.tags} max={4} />
                  </td>
                  <td className="px-4 py-3">
                    <EnergyPill energy={being.energy_level} />
                  </td>
                  <td className="px-4 py-3 text-right text-xs whitespace-nowrap text-slate-500" title={formatTime(being.created_at)}>
                    {formatAge(being.created_at)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-xs text-slate-500">
        <span data-testid="beings-shown">
          {beings.length} {beings.length === 1 ? "being" : "beings"} shown{list.hasNextPage ? " · more available" : ""}
        </span>
        {list.hasNextPage && (
          <Button size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid="beings-load-more">
            {list.isFetchingNextPage && <Spinner className="size-3" />}
            Load more
          </Button>
        )}
        {list.isFetchNextPageError && (
          <span className="text-rose-600" role="alert">
            Could not load more: {errorMessage(list.error)}
          </span>
        )}
      </div>
    </div>,
  );
}

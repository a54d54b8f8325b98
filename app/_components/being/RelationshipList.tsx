"use client";
import { useKeysetPages } from "../../_lib/useKeysetPages";
import { useTRPC, useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { EmptyState } from "../ui/EmptyState";
import { ErrorBox } from "../ui/ErrorBox";
import { SkeletonRows } from "../ui/Skeleton";
import { Spinner } from "../ui/Spinner";
import { RelationshipRow } from "./RelationshipRow";

/** Relationships per "Load more". */
const PAGE_SIZE = 20;

/** The relationships leaving (`out`) or reaching (`in`) a being, newest first. */
export function RelationshipList({
  soul,
  direction,
  names,
  readOnly,
}: {
  soul: string;
  direction: "out" | "in";
  names: ReadonlyMap<string, string>;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const filter = direction === "out" ? { source_soul: soul } : { target_soul: soul };
  const client = useTRPCClient();
  const input = { ...filter, limit: PAGE_SIZE };
  const list = useKeysetPages(trpc.relationships.list.infiniteQueryKey(input), (cursor) => client.relationships.list.query({ ...input, cursor }));
  const title = direction === "out" ? "Outgoing" : "Incoming";

  return (
    <div className="min-w-0" data-testid={`relationships-${direction}`}>
      <h3 className="flex items-center gap-2 border-b border-slate-100 px-4 py-2.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {title}
        {list.data && (
          <span
            className="rounded-full bg-slate-100 px-1.5 py-px text-[11px] font-medium text-slate-600 normal-case"
            data-testid={`relationships-${direction}-count`}
          >
            {list.data.pages.reduce((n, p) => n + p.items.length, 0)}
            {list.hasNextPage ? "+" : ""}
          </span>
        )}
      </h3>
      {list.isPending ? (
        <SkeletonRows rows={2} />
      ) : !list.data ? (
        <div className="p-4">
          <ErrorBox error={list.error} title={`Could not load ${title.toLowerCase()} relationships`} onRetry={() => void list.refetch()} />
        </div>
      ) : list.data.pages[0]?.items.length === 0 ? (
        <EmptyState title={direction === "out" ? "Points to no one yet" : "No one points here yet"} testId={`relationships-${direction}-empty`} />
      ) : (
        <>
          <ul className="divide-y divide-slate-100">
            {list.data.pages
              .flatMap((p) => p.items)
              .map((r) => (
                <RelationshipRow
                  key={r.id}
                  relationship={r}
                  direction={direction}
                  otherName={names.get(direction === "out" ? r.target_soul : r.source_soul)}
                  readOnly={readOnly}
                />
              ))}
          </ul>
          {list.hasNextPage && (
            <div className="border-t border-slate-100 px-4 py-2 text-right">
              <Button size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage && <Spinner className="size-3" />}
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}

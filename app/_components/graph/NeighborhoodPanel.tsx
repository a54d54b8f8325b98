"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { retryUnlessClientError } from "../../_lib/errorMessage";
import { useTRPC } from "../../_trpc/client";
import { EmptyState } from "../ui/EmptyState";
import { ErrorBox } from "../ui/ErrorBox";
import { Panel } from "../ui/Panel";
import { Skeleton } from "../ui/Skeleton";
import { Spinner } from "../ui/Spinner";
import { MAX_DRAWN_NODES } from "./layoutNeighborhood";
import { NeighborhoodGraph } from "./NeighborhoodGraph";

/** The being's neighbourhood (1 or 2 steps, both directions) as a picture. */
export function NeighborhoodPanel({ soul, name }: { soul: string; name: string }) {
  const trpc = useTRPC();
  const [depth, setDepth] = useState<1 | 2>(1);
  const hood = useQuery({
    ...trpc.relationships.neighbors.queryOptions({ soul, depth, direction: "both" }),
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });

  const depthPicker = (
    <div role="radiogroup" aria-label="Depth" className="inline-flex items-center rounded-lg bg-slate-100 p-0.5 text-xs font-medium">
      {hood.isFetching && hood.isPlaceholderData && <Spinner className="mx-1.5 size-3 text-slate-400" label="Loading" />}
      {([1, 2] as const).map((d) => (
        <button
          key={d}
          type="button"
          role="radio"
          aria-checked={depth === d}
          data-testid={`graph-depth-${d}`}
          onClick={() => setDepth(d)}
          className={`rounded-md px-2.5 py-1 ${depth === d ? "bg-white text-slate-900 shadow-sm" : "text-slate-500 hover:text-slate-800"}`}
        >
          {d} {d === 1 ? "step" : "steps"}
        </button>
      ))}
    </div>
  );

  const count = hood.data?.nodes.length ?? 0;
  return (
    <Panel
      title="Neighbourhood"
      description={hood.data ? `${count} ${count === 1 ? "being" : "beings"} within ${depth} ${depth === 1 ? "step" : "steps"}` : "Who this being is linked to"}
      actions={depthPicker}
      bodyClassName="p-2"
      testId="neighborhood-panel"
    >
      {hood.isPending ? (
        <Skeleton className="m-2 aspect-[8/5] h-auto w-[calc(100%-1rem)]" />
      ) : hood.isError ? (
        <div className="p-2">
          <ErrorBox error={hood.error} title="Could not load the neighbourhood" onRetry={() => void hood.refetch()} />
        </div>
      ) : count === 0 && hood.data.edges.length === 0 ? (
        <EmptyState title="No neighbours yet" testId="neighborhood-empty">
          Add a relationship and it will show up here.
        </EmptyState>
      ) : (
        <>
          <NeighborhoodGraph hood={hood.data} centerName={name} />
          {(hood.data.truncated || count > MAX_DRAWN_NODES) && (
            <p className="px-2 pb-1 text-xs text-slate-500">
              Showing the {MAX_DRAWN_NODES} nearest of {hood.data.truncated ? "many" : count} beings.
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { beingName, beingType } from "../../_lib/beingName";
import { formatAge } from "../../_lib/formatTime";
import { useTRPC } from "../../_trpc/client";
import { EmptyState } from "../ui/EmptyState";
import { ErrorBox } from "../ui/ErrorBox";
import { SkeletonRows } from "../ui/Skeleton";
import { TagChips } from "../ui/TagChips";

/** The few newest beings. */
export function RecentBeings() {
  const trpc = useTRPC();
  const list = useQuery(trpc.beings.list.queryOptions({ limit: 6 }));
  if (list.isPending) return <SkeletonRows rows={4} />;
  if (list.isError)
    return (
      <div className="p-4">
        <ErrorBox error={list.error} title="Could not load beings" onRetry={() => void list.refetch()} />
      </div>
    );
  const beings = list.data.items.filter((b) => !b.core);
  if (beings.length === 0) {
    return (
      <EmptyState
        title="Only the core beings so far"
        testId="recent-empty"
        action={
          <Link href="/beings" className="text-sm font-medium text-indigo-700 hover:underline">
            Create a being →
          </Link>
        }
      >
        Create beings and link them together to grow the world.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-100" data-testid="recent-beings">
      {beings.map((b) => (
        <li key={b.soul} className="flex items-center gap-3 px-4 py-2.5">
          <Link href={`/beings/${b.soul}`} className="min-w-0 truncate text-sm font-medium text-slate-900 hover:text-indigo-700 hover:underline">
            {beingName(b)}
          </Link>
          {beingType(b) && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">{beingType(b)}</span>}
          <span className="ml-auto hidden sm:block">
            <TagChips tags={b.tags} max={3} empty="" />
          </span>
          <span className="w-20 shrink-0 text-right text-xs text-slate-400">{formatAge(b.created_at)}</span>
        </li>
      ))}
    </ul>
  );
}

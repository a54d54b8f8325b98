"use client";
import Link from "next/link";
import { skipToken, useQuery } from "@tanstack/react-query";
import { beingName } from "../../_lib/beingName";
import { retryUnlessClientError } from "../../_lib/errorMessage";
import { useTRPC } from "../../_trpc/client";

/** A link to a being by its name; looks the name up when the caller does not know it. */
export function BeingLink({ soul, name, testId, className = "" }: { soul: string; name?: string | undefined; testId?: string; className?: string }) {
  const trpc = useTRPC();
  const lookup = useQuery({ ...trpc.beings.get.queryOptions(name === undefined ? { soul } : skipToken), retry: retryUnlessClientError });
  const shown = name ?? (lookup.data ? beingName(lookup.data) : lookup.isError ? `missing ${soul.slice(0, 8)}` : undefined);
  return (
    <Link
      href={`/beings/${soul}`}
      data-testid={testId}
      title={soul}
      className={`truncate font-medium text-slate-900 hover:text-indigo-700 hover:underline ${className}`}
    >
      {shown ?? <span className="inline-block h-3.5 w-24 animate-pulse rounded bg-slate-200 align-middle" aria-label="Loading name" />}
    </Link>
  );
}

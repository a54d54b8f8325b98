"use client";
import Link from "next/link";
import { switchBranch, useCurrentBranch } from "../../_lib/currentBranch";
import { Button } from "../ui/Button";

/** Says, on every page, that the app shows a branch and not main. */
export function BranchBanner() {
  const current = useCurrentBranch();
  if (current.id === "main") return null;
  return (
    <div role="status" data-testid="branch-banner" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-3 px-4 py-2 text-sm text-amber-900 sm:px-6">
        <span aria-hidden>⎇</span>
        <span>
          Viewing branch <strong data-testid="branch-banner-name">{current.name}</strong>: every view shows this branch&apos;s data, and changes stay here until
          you merge.
        </span>
        <span className="ml-auto flex gap-2">
          <Link href="/branches" className="rounded-md px-2 py-1 text-xs font-medium text-amber-900 underline-offset-2 hover:underline">
            Compare &amp; merge
          </Link>
          <Button size="sm" onClick={() => switchBranch({ id: "main", name: "main" })} data-testid="branch-banner-main">
            Back to main
          </Button>
        </span>
      </div>
    </div>
  );
}

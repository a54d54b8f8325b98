"use client";
import { useQuery } from "@tanstack/react-query";
import { switchBranch, useCurrentBranch } from "../../_lib/currentBranch";
import { useTRPC } from "../../_trpc/client";

/** The nav's branch picker: switches every view of the app to one branch's data. */
export function BranchSwitcher() {
  const trpc = useTRPC();
  const current = useCurrentBranch();
  const tree = useQuery(trpc.branches.tree.queryOptions());
  const open = (tree.data ?? []).filter((b) => b.status === "open" || b.id === current.id);
  const known = open.some((b) => b.id === current.id);
  return (
    <label className="flex items-center gap-1.5 text-xs text-slate-500">
      <span className="hidden sm:inline">Branch</span>
      <select
        data-testid="branch-switcher"
        value={current.id}
        onChange={(e) => {
          const picked = open.find((b) => b.id === e.target.value);
          if (picked) switchBranch({ id: picked.id, name: picked.name });
        }}
        className={`h-8 max-w-40 rounded-md border px-2 text-xs font-medium ${
          current.id === "main" ? "border-slate-300 bg-white text-slate-700" : "border-amber-300 bg-amber-50 text-amber-900"
        }`}
      >
        {!known && <option value={current.id}>{current.name}</option>}
        {open.map((b) => (
          <option key={b.id} value={b.id}>
            {b.id === "main" ? "main" : `⎇ ${b.name}`}
          </option>
        ))}
      </select>
    </label>
  );
}

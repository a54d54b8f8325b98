"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_trpc/client";

/**
 * Which branch the scrubber shows the being in: main, or a branch it was changed, created or deleted in
 * (by name where the master knows it; a dropped or merged branch keeps its past and stays pickable).
 */
export function BranchPicker({ branches, value, onChange }: { branches: readonly string[]; value: string; onChange: (branch: string) => void }) {
  const trpc = useTRPC();
  const tree = useQuery(trpc.branches.tree.queryOptions());
  const known = new Map((tree.data ?? []).map((b) => [b.id, b]));
  const choices = [...new Set(["main", ...branches, value])];
  if (choices.length < 2) return null;
  const label = (id: string) => {
    const b = known.get(id);
    if (!b) return id === "main" ? "main" : `${id.slice(0, 8)}…`;
    return b.status === "open" || id === "main" ? b.name : `${b.name} (${b.status})`;
  };
  return (
    <label className="flex items-center gap-2 text-xs text-slate-600">
      Seen from
      <select
        className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs text-slate-900"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid="replay-branch"
      >
        {choices.map((id) => (
          <option key={id} value={id}>
            {label(id)}
          </option>
        ))}
      </select>
    </label>
  );
}

"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Branch, Isolation } from "../../../lib/branches/schemas";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";

/** Forks a new branch from `parent`: a name, what it sees, an optional Tiki budget. */
export function ForkForm({
  parent,
  branches,
  onForked,
  onCancel,
}: {
  parent: string;
  branches: readonly Branch[];
  onForked: (b: Branch) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [from, setFrom] = useState(parent);
  const [isolation, setIsolation] = useState<Isolation>("read-through");
  const [budget, setBudget] = useState("");
  const fork = useMutation(
    trpc.branches.fork.mutationOptions({
      onSuccess: async (b) => {
        await queryClient.invalidateQueries({ queryKey: trpc.branches.tree.queryKey() });
        onForked(b);
      },
    }),
  );
  const parents = branches.filter((b) => b.status !== "dropped");
  return (
    <form
      data-testid="fork-form"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        fork.mutate({
          name,
          parent: from,
          isolation: isolation === "subscribe" ? "read-through" : isolation,
          budget: budget.trim() ? Number(budget) : null,
        });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-4">
        <label className="text-xs font-medium text-slate-600 sm:col-span-2">
          Name
          <input
            data-testid="fork-name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. bolder personalities"
            className="mt-1 block h-9 w-full rounded-md border border-slate-300 px-2 text-sm"
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          From
          <select value={from} onChange={(e) => setFrom(e.target.value)} className="mt-1 block h-9 w-full rounded-md border border-slate-300 px-2 text-sm">
            {parents.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          Tiki budget
          <input
            inputMode="numeric"
            pattern="[0-9]*"
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
            placeholder="no limit"
            className="mt-1 block h-9 w-full rounded-md border border-slate-300 px-2 text-sm"
          />
        </label>
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm text-slate-700">
        <legend className="mb-1 text-xs font-medium text-slate-600">It sees</legend>
        <label className="flex items-center gap-1.5">
          <input type="radio" checked={isolation === "read-through"} onChange={() => setIsolation("read-through")} /> its parent, live (read-through)
        </label>
        <label className="flex items-center gap-1.5">
          <input type="radio" checked={isolation === "isolated"} onChange={() => setIsolation("isolated")} /> only its own rows (isolated)
        </label>
      </fieldset>
      {fork.isError && <ErrorBox error={fork.error} title="Could not fork" />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={fork.isPending || !name.trim()} data-testid="fork-submit">
          {fork.isPending ? "Forking…" : "Fork"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
      <p className="text-xs text-slate-500">A fork writes one row, whatever the size of the world: nothing is copied until a branch changes a being.</p>
    </form>
  );
}

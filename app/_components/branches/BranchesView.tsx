"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Branch } from "../../../lib/branches/schemas";
import { switchBranch, useCurrentBranch } from "../../_lib/currentBranch";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { ErrorBox } from "../ui/ErrorBox";
import { PageHeader } from "../ui/PageHeader";
import { Panel } from "../ui/Panel";
import { Skeleton } from "../ui/Skeleton";
import { BranchTree } from "./BranchTree";
import { FanOutPanel } from "./FanOutPanel";
import { ForkForm } from "./ForkForm";
import { KpiComparison } from "./KpiComparison";
import { MergeDialog } from "./MergeDialog";

/** Branches of reality: the tree, forking, switching the app, comparing figures side by side, merging and dropping. */
export function BranchesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useCurrentBranch();
  const tree = useQuery(trpc.branches.tree.queryOptions());
  const branches = tree.data ?? [];
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = branches.find((b) => b.id === (selectedId ?? current.id)) ?? branches[0];
  const [forking, setForking] = useState(false);
  const [merging, setMerging] = useState<Branch | null>(null);
  const [dropping, setDropping] = useState<Branch | null>(null);
  const shown = branches.filter((b) => b.status !== "dropped").map((b) => b.id);
  const kpis = useQuery({ ...trpc.branches.kpis.queryOptions({ branches: shown.length ? shown.slice(0, 32) : ["main"] }), enabled: tree.isSuccess });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.branches.tree.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.branches.kpis.queryKey() }),
    ]);
  const drop = useMutation(
    trpc.branches.drop.mutationOptions({
      onSuccess: async (b) => {
        if (current.id === b.id) switchBranch({ id: "main", name: "main" });
        setDropping(null);
        await refresh();
      },
    }),
  );
  const archive = useMutation(trpc.branches.archive.mutationOptions({ onSuccess: () => void refresh() }));
  const nameOf = (id: string | null) => branches.find((b) => b.id === id)?.name ?? id ?? "";

  return (
    <div className="space-y-6">
      <PageHeader
        title="Branches"
        description="Parallel realities of the world: fork, let beings experiment under a budget, compare side by side, merge the winner."
        actions={
          <Button variant="primary" onClick={() => setForking(true)} data-testid="fork-open">
            Fork {selected ? `from ${selected.name}` : ""}
          </Button>
        }
      />
      {tree.isError && <ErrorBox error={tree.error} onRetry={() => void tree.refetch()} />}
      {forking && selected && (
        <Panel title="Fork a branch">
          <ForkForm
            parent={selected.status === "dropped" ? "main" : selected.id}
            branches={branches}
            onCancel={() => setForking(false)}
            onForked={(b) => {
              setForking(false);
              setSelectedId(b.id);
              void refresh();
            }}
          />
        </Panel>
      )}
      <Panel
        title="Tree"
        description="Dashed lines: isolated branches. Click a branch to act on it; the thick ring is the branch the app shows."
        testId="tree-panel"
      >
        {tree.isPending ? (
          <Skeleton className="h-32 w-full" />
        ) : (
          <BranchTree branches={branches} selected={selected?.id ?? null} current={current.id} onSelect={setSelectedId} />
        )}
        {selected && (
          <div className="mt-4 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-4" data-testid="branch-actions">
            <div className="mr-auto min-w-0 text-sm">
              <p className="font-semibold text-slate-900" data-testid="selected-branch">
                {selected.name}
              </p>
              <p className="text-xs text-slate-500">
                {selected.id === "main"
                  ? "The world as it is."
                  : `${selected.status} · forked from ${nameOf(selected.parent)} · sees ${selected.visible.map(nameOf).join(" → ")}${selected.budget !== null ? ` · budget ${selected.budget.toLocaleString()} Tiki` : ""}`}
              </p>
            </div>
            {selected.status !== "dropped" && current.id !== selected.id && (
              <Button onClick={() => switchBranch({ id: selected.id, name: selected.name })} data-testid="branch-switch">
                Switch the app to it
              </Button>
            )}
            {selected.id !== "main" && selected.status === "open" && (
              <>
                <Button variant="primary" onClick={() => setMerging(selected)} data-testid="branch-merge">
                  Merge into {nameOf(selected.parent)}…
                </Button>
                <Button onClick={() => archive.mutate({ branch: selected.id })} disabled={archive.isPending}>
                  Archive
                </Button>
              </>
            )}
            {selected.id !== "main" && selected.status !== "dropped" && (
              <Button variant="danger-outline" onClick={() => setDropping(selected)} data-testid="branch-drop">
                Drop
              </Button>
            )}
          </div>
        )}
        {archive.isError && <ErrorBox error={archive.error} title="Could not archive" />}
      </Panel>
      <Panel
        title="Side by side"
        description="Each live branch's figures: beings changed in it, facts learned, Tiki spent, the share of steps that succeeded."
        testId="kpi-panel"
      >
        {kpis.isPending ? (
          <Skeleton className="h-40 w-full" />
        ) : kpis.isError ? (
          <ErrorBox error={kpis.error} />
        ) : (
          <KpiComparison branches={branches} kpis={kpis.data} />
        )}
      </Panel>
      <FanOutPanel />
      {merging && (
        <MergeDialog
          branch={merging}
          parentName={nameOf(merging.parent)}
          onCancel={() => setMerging(null)}
          onDone={() => {
            if (current.id === merging.id) switchBranch({ id: "main", name: "main" });
            setMerging(null);
            void refresh();
          }}
        />
      )}
      {dropping && (
        <ConfirmDialog
          title={`Drop “${dropping.name}”?`}
          confirmLabel="Drop it"
          busy={drop.isPending}
          onConfirm={() => drop.mutate({ branch: dropping.id })}
          onCancel={() => setDropping(null)}
        >
          Every being it created and every change it made are deleted; main is not touched. The tree keeps the branch, marked dropped.
          {drop.isError && <ErrorBox error={drop.error} />}
        </ConfirmDialog>
      )}
    </div>
  );
}

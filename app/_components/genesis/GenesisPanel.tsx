"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { classify, type GenesisView } from "../../../lib/genesis";
import { errorMessage } from "../../_lib/errorMessage";
import { useDebounced } from "../../_lib/useDebounced";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Panel } from "../ui/Panel";
import { Skeleton } from "../ui/Skeleton";
import { CodeEditor } from "./CodeEditor";
import { LineageTree } from "./LineageTree";
import { RunPanel } from "./RunPanel";
import { TransferButtons } from "./TransferButtons";
import { VersionDiff } from "./VersionDiff";

export const FUNCTION_TEMPLATE = `def function(x=1, **kwargs):
    """Called with the being's attributes merged with the call's arguments."""
    print(f"hello from {self.name}")
    return x * 2
`;

const KIND_STYLE = {
  unchanged: "border-slate-200 bg-slate-50 text-slate-600",
  evolution: "border-teal-200 bg-teal-50 text-teal-900",
  mutation: "border-orange-200 bg-orange-50 text-orange-900",
} as const;

/** The being's code and its history, and its lineage: the genesis section of /beings/[soul]. */
export function GenesisSection({ soul }: { soul: string }) {
  const trpc = useTRPC();
  const view = useQuery(trpc.genesis.get.queryOptions({ soul }));
  // NOTE: kept here, above the panel that is remade for each version, so a save never erases the arguments typed for Run.
  const [kwargs, setKwargs] = useState("{}");
  if (view.isPending) return <Skeleton className="h-64 w-full" />;
  if (view.isError) return <ErrorBox error={view.error} title="Could not load this being's genesis" onRetry={() => void view.refetch()} />;
  return (
    <div className="grid gap-4">
      <GenesisPanel key={`${view.data.soul}:${view.data.genesis.version}`} view={view.data} kwargs={kwargs} onKwargs={setKwargs} />
      <LineageTree soul={soul} />
    </div>
  );
}

function GenesisPanel({ view, kwargs, onKwargs }: { view: GenesisView; kwargs: string; onKwargs: (kwargs: string) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const g = view.genesis;
  const [draft, setDraft] = useState(g.source || (g.type === "function" ? FUNCTION_TEMPLATE : ""));
  const [childName, setChildName] = useState(`${g.name} II`);
  const [message, setMessage] = useState("");
  const settled = useDebounced(draft, 150);
  const verdict = classify(g.source, settled);
  const evolve = useMutation(
    trpc.genesis.evolve.mutationOptions({
      onSuccess: async (result) => {
        // NOTE: the being's own record (its Fields panel) shows genesis too.
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.genesis.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.beings.get.queryKey({ soul: view.soul }) }),
        ]);
        setMessage("");
        if (result.kind === "mutation" && result.soul) router.push(`/beings/${result.soul}`);
      },
    }),
  );
  const saving = evolve.isPending;
  const canSave = !view.core && verdict.kind !== "unchanged" && settled === draft;

  return (
    <Panel
      title="Genesis"
      description={
        <>
          {g.type} · {g.language} · version {g.version || "—"} · {g.ancestors.length} ancestor{g.ancestors.length === 1 ? "" : "s"}
        </>
      }
      actions={<TransferButtons soul={view.soul} name={g.name} core={view.core} />}
      testId="genesis-panel"
    >
      <div className="grid gap-5 xl:grid-cols-2">
        <div className="min-w-0 space-y-3">
          <CodeEditor value={draft} onChange={setDraft} readOnly={view.core} label={`Source of ${g.name}`} />
          {view.core ? (
            <p className="text-sm text-amber-800">A core being never changes: create a new being that descends from it instead.</p>
          ) : (
            <div className={`rounded-lg border px-3 py-2 text-sm ${KIND_STYLE[verdict.kind]}`} data-testid="evolve-verdict" data-kind={verdict.kind}>
              <p>
                <strong className="font-semibold">
                  {verdict.kind === "unchanged" ? "No change" : verdict.kind === "evolution" ? "Evolution" : "Mutation"}
                </strong>{" "}
                — {verdict.reason}{" "}
                <span className="text-xs opacity-75">
                  (+{verdict.added} −{verdict.removed})
                </span>
              </p>
              {verdict.kind !== "unchanged" && (
                <div className="mt-2 flex flex-wrap items-end gap-2">
                  {verdict.kind === "mutation" && (
                    <label className="text-xs">
                      New being&apos;s name
                      <input
                        value={childName}
                        onChange={(e) => setChildName(e.target.value)}
                        data-testid="mutation-name"
                        className="mt-0.5 block rounded-md border border-orange-300 bg-white px-2 py-1 text-sm text-slate-900"
                      />
                    </label>
                  )}
                  <label className="min-w-0 flex-1 text-xs">
                    What changed (optional)
                    <input
                      value={message}
                      onChange={(e) => setMessage(e.target.value)}
                      maxLength={500}
                      data-testid="evolve-message"
                      className="mt-0.5 block w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900"
                    />
                  </label>
                  <Button
                    variant="primary"
                    disabled={!canSave || saving}
                    data-testid="evolve-button"
                    onClick={() =>
                      evolve.mutate({
                        soul: view.soul,
                        source: draft,
                        ...(message.trim() ? { message: message.trim() } : {}),
                        ...(verdict.kind === "mutation" ? { name: childName.trim() || g.name } : {}),
                      })
                    }
                  >
                    {saving ? "Saving…" : verdict.kind === "evolution" ? `Save as version ${g.version + 1}` : "Mutate into a new being"}
                  </Button>
                </div>
              )}
            </div>
          )}
          {evolve.isError && <p className="text-sm text-rose-700">{errorMessage(evolve.error)}</p>}
        </div>
        <div className="min-w-0 space-y-5">
          {g.language === "python" ? (
            <RunPanel view={view} source={draft} kwargs={kwargs} onKwargs={onKwargs} />
          ) : (
            <p className="text-sm text-slate-500">This being is written in Lux; it runs in its worker, not in the Python sandbox.</p>
          )}
          <div>
            <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Versions</h3>
            <ol className="mb-3 max-h-40 space-y-1 overflow-y-auto text-xs" data-testid="version-list">
              {[...view.history].reverse().map((h) => (
                <li key={h.version} className="flex items-baseline gap-2">
                  <span className="font-mono font-semibold text-slate-800">v{h.version}</span>
                  <span className="text-emerald-700">+{h.added}</span>
                  <span className="text-rose-700">−{h.removed}</span>
                  <span className="truncate text-slate-600">{h.message ?? ""}</span>
                  <span className="ml-auto shrink-0 text-slate-400">
                    {h.stored === "snapshot" ? "snapshot · " : ""}
                    {new Date(h.at).toLocaleString()}
                  </span>
                </li>
              ))}
              {!view.history.length && <li className="text-slate-500">No versions yet: write code and save it as version 1.</li>}
            </ol>
            <VersionDiff view={view} />
          </div>
        </div>
      </div>
    </Panel>
  );
}

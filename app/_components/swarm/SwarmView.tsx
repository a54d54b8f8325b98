"use client";
import { useSwarm } from "../../_swarm/useSwarm";
import { KernelPanel } from "../kernel/KernelPanel";
import { ErrorBox } from "../ui/ErrorBox";
import { PageHeader } from "../ui/PageHeader";
import { BeingCard } from "./BeingCard";
import { SpawnForm } from "./SpawnForm";

/** The /swarm page: every being of this browser, live, and the spawn form. */
export function SwarmView() {
  const { host, beings, error, problem } = useSwarm();
  const running = beings.filter((b) => b.phase === "running").length;
  return (
    <>
      <PageHeader
        title="Swarm"
        description="Each being runs in its own Web Worker with its own SQLite micro-world on OPFS; beings that were running come back after a reload."
        badge={
          <span data-testid="swarm-count" data-running={running} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
            {running} running · {beings.length} in this browser
          </span>
        }
      />
      <div className="grid gap-6">
        {error !== null && <ErrorBox error={error} title="The swarm could not start" testId="swarm-error" />}
        {problem !== null && (
          <ErrorBox
            error={`${problem} Spawning or starting a being tries a fresh worker.`}
            title="Being workers cannot start in this tab"
            testId="swarm-boot-error"
          />
        )}
        <SpawnForm host={host} />
        <KernelPanel />
        {host && beings.length === 0 && (
          <div data-testid="swarm-placeholder" className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-500">
            No beings in this browser yet. Spawn one above: it starts ticking at once.
          </div>
        )}
        {host && beings.length > 0 && (
          <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="swarm-beings">
            {beings.map((b) => (
              <BeingCard key={b.soul} being={b} host={host} />
            ))}
          </div>
        )}
      </div>
    </>
  );
}

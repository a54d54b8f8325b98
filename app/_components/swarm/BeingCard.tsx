"use client";
import Link from "next/link";
import { useState } from "react";
import type { MindLayer } from "../../../lib/mind";
import { errorMessage } from "../../_lib/errorMessage";
import type { SwarmBeing, SwarmHost } from "../../_swarm/SwarmHost";
import { Button } from "../ui/Button";
import { BudgetBar } from "./BudgetBar";
import { PhaseBadge } from "./PhaseBadge";
import { Sparkline } from "./Sparkline";
import { SyncIndicator } from "./SyncIndicator";
import { TeachForm } from "./TeachForm";

const LAYERS: readonly { layer: MindLayer; label: string }[] = [
  { layer: "reflex", label: "Reflex" },
  { layer: "situation", label: "Situation" },
  { layer: "supervision", label: "Supervision" },
];

function rate(periodMs: number): string {
  return periodMs >= 1000 ? `every ${(periodMs / 1000).toLocaleString("en")} s` : `${Math.round(1000 / periodMs)} Hz`;
}

function Stat({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** One being of the swarm, live: phase, mode, the three layers, budget, activity and controls. */
export function BeingCard({ being, host }: { being: SwarmBeing; host: SwarmHost }) {
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const { status, phase } = being;
  const act = (fn: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    fn()
      .catch((e: unknown) => setActionError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  const live = phase === "running" || phase === "paused" || phase === "halted" || phase === "starting";
  const mode = status?.mode ?? "normal";
  const learn = async (facts: string[]) => {
    const api = host.workerApi(being.soul);
    if (!api) throw new Error("Start the being first: only a running being can learn.");
    return (await api.learn(facts)).ids.length;
  };

  return (
    <article
      data-testid="swarm-being"
      data-soul={being.soul}
      data-phase={phase}
      data-mode={mode}
      className="flex min-w-0 flex-col gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <Link href={`/beings/${being.soul}`} className="block truncate text-sm font-semibold text-slate-900 hover:underline" data-testid="being-name">
            {being.name}
          </Link>
          <p className="truncate text-xs text-slate-500" title={being.record.goal}>
            {being.record.goal || "no goal"}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          <PhaseBadge phase={phase} />
          {status && live && (
            <span
              data-testid="being-mode"
              className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${mode === "exploring" ? "bg-fuchsia-50 text-fuchsia-700 ring-fuchsia-200" : "bg-white text-slate-600 ring-slate-200"}`}
            >
              {mode}
            </span>
          )}
        </div>
      </header>

      {being.problem && (phase === "crashed" || phase === "error") && (
        <p role="alert" data-testid="being-problem" className="rounded-lg bg-rose-50 px-3 py-2 text-xs break-words text-rose-800">
          {being.problem}
        </p>
      )}
      {phase === "elsewhere" && (
        <p data-testid="being-elsewhere" className="rounded-lg bg-violet-50 px-3 py-2 text-xs text-violet-800">
          This being is running in another tab of this browser. It will start here when that tab stops it or closes.
        </p>
      )}

      {status && (
        <>
          <table className="w-full text-xs" data-testid="being-layers">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="pb-1 font-medium">Layer</th>
                <th className="pb-1 font-medium">Rate</th>
                <th className="pb-1 text-right font-medium">Ticks</th>
                <th className="pb-1 pl-3 font-medium">Last decision</th>
              </tr>
            </thead>
            <tbody className="text-slate-700">
              {LAYERS.map(({ layer, label }) => {
                const l = status.layers[layer];
                return (
                  <tr key={layer} className="border-t border-slate-100" data-testid={`layer-${layer}`}>
                    <td className="py-1 font-medium">{label}</td>
                    <td className="py-1 text-slate-500">{rate(l.periodMs)}</td>
                    <td className="py-1 text-right tabular-nums" data-testid={`ticks-${layer}`}>
                      {l.ticks.toLocaleString("en")}
                    </td>
                    <td className="max-w-0 truncate py-1 pl-3 font-mono text-[11px] text-slate-600" title={l.lastDecision ?? undefined}>
                      {l.lastDecision ?? "—"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>

          <div className="grid grid-cols-2 gap-3">
            <div>
              <p className="text-xs text-slate-500">Reflex ticks / s</p>
              <Sparkline values={status.activity} label="reflex ticks per second, last 30 s" testId="sparkline-ticks" />
            </div>
            <div>
              <p className="text-xs text-slate-500">Decisions / s</p>
              <Sparkline values={status.decisions} label="decisions per second, last 30 s" color="#d946ef" testId="sparkline-decisions" />
            </div>
          </div>

          <BudgetBar spent={status.budget.spent} limit={status.budget.limit} />

          <dl className="grid grid-cols-4 gap-2">
            <Stat label="Energy" value={Math.max(0, status.budget.limit - status.budget.spent).toLocaleString("en")} testId="being-energy" />
            <Stat label="Outbox" value={status.outboxDepth} testId="being-outbox" />
            <Stat label="Facts" value={status.facts} testId="being-facts" />
            <Stat label="Success" value={status.successRate === null ? "—" : `${Math.round(status.successRate * 100)} %`} testId="being-success" />
          </dl>
          {status.sync && (
            <SyncIndicator
              sync={status.sync}
              at={status.at}
              onRetry={() =>
                void host
                  .workerApi(being.soul)
                  ?.syncNow()
                  .catch(() => undefined)
              }
            />
          )}
          <p className="truncate text-xs text-slate-500" title={status.reasoner.why} data-testid="being-reasoner">
            Reasoner: <span className="font-mono text-slate-700">{status.reasoner.id}</span> · {status.reasoner.why}
          </p>
          {live && phase !== "starting" && <TeachForm learn={learn} />}
        </>
      )}

      {being.syncProblem && <p className="text-xs text-amber-700">{being.syncProblem}</p>}
      {actionError && (
        <p role="alert" className="text-xs text-rose-700">
          {actionError}
        </p>
      )}

      <footer className="mt-auto flex flex-wrap gap-2 border-t border-slate-100 pt-3">
        {phase === "running" && (
          <Button size="sm" disabled={busy} onClick={() => act(() => host.pause(being.soul))} data-testid="being-pause">
            Pause
          </Button>
        )}
        {phase === "paused" && (
          <Button size="sm" disabled={busy} onClick={() => act(() => host.resume(being.soul))} data-testid="being-resume">
            Resume
          </Button>
        )}
        {phase === "halted" && status && (
          <Button
            size="sm"
            variant="primary"
            disabled={busy}
            onClick={() => act(() => host.setBudget(being.soul, status.budget.limit + 50_000))}
            data-testid="being-grant"
          >
            Add 50,000 Tiki
          </Button>
        )}
        {(phase === "stopped" || phase === "error") && (
          <Button size="sm" variant="primary" disabled={busy} onClick={() => act(() => host.start(being.soul))} data-testid="being-start">
            Start
          </Button>
        )}
        {phase === "crashed" && (
          <Button size="sm" variant="primary" disabled={busy} onClick={() => act(() => host.restart(being.soul))} data-testid="being-restart">
            Restart
          </Button>
        )}
        {live && (
          <Button size="sm" disabled={busy} onClick={() => act(() => host.stop(being.soul))} data-testid="being-stop">
            Stop
          </Button>
        )}
        {live && (
          <Button size="sm" variant="danger-outline" disabled={busy} onClick={() => act(() => host.terminate(being.soul))} data-testid="being-terminate">
            Terminate
          </Button>
        )}
        <Link
          href={`/beings/${being.soul}#micro-world`}
          className="ml-auto inline-flex h-8 items-center px-1 text-xs font-medium text-indigo-700 hover:underline"
        >
          Micro-world →
        </Link>
      </footer>
    </article>
  );
}

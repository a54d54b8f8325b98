"use client";
import { useEffect, useRef, useState } from "react";
import type { GenesisView } from "../../../lib/genesis";
import { capabilitiesOf } from "../../../lib/genesis";
import type { CallOutcome } from "../../../workers/sandbox/createSandbox";
import { Button } from "../ui/Button";
import { Spinner } from "../ui/Spinner";
import { useKernel } from "../../_kernel/useKernel";

function parseKwargs(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, error: 'Arguments are a JSON object such as {"x": 2}.' };
  } catch (error) {
    return { ok: false, error: `Arguments are not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * Runs the code in the editor through the tab's kernel (its CPU queue, on a pool sandbox of this being's own),
 * with the being's attributes merged with the arguments. Opening the panel of a being with code warms a spare
 * sandbox, so the first Run does not wait for Python to load.
 */
export function RunPanel({ view, source, kwargs, onKwargs }: { view: GenesisView; source: string; kwargs: string; onKwargs: (kwargs: string) => void }) {
  const { kernel, stats } = useKernel();
  const [running, setRunning] = useState<"loading" | "running" | null>(null);
  const [outcome, setOutcome] = useState<CallOutcome | { ok: false; error: { type: string; message: string; traceback: string }; local: true } | null>(null);
  const cancel = useRef<AbortController | null>(null);
  const parsed = parseKwargs(kwargs);

  // NOTE: only a being with code is likely to be run: an agent's page does not load Python for nothing.
  const likelyRun = view.genesis.type === "function" || view.genesis.source.trim() !== "";
  useEffect(() => {
    if (likelyRun) kernel?.prewarm();
  }, [kernel, likelyRun]);
  useEffect(() => () => cancel.current?.abort(), []);

  async function run() {
    if (!parsed.ok || !kernel) return;
    const pool = kernel.stats().cpu.pool;
    setRunning(pool.spare === "ready" || pool.sandboxes > 0 ? "running" : "loading");
    const controller = new AbortController();
    cancel.current = controller;
    try {
      const result = await kernel.runPython(
        view.soul,
        {
          soul: view.soul,
          name: view.genesis.name,
          version: view.genesis.version,
          source,
          attributes: view.attributes,
          capabilities: capabilitiesOf(view.genesis),
        },
        { kwargs: parsed.value },
        controller.signal,
        `a run of ${view.genesis.name}`,
      );
      setOutcome(result);
    } catch (error) {
      setOutcome({ ok: false, error: { type: "KernelError", message: (error as Error).message, traceback: "" }, local: true });
    } finally {
      cancel.current = null;
      setRunning(null);
    }
  }

  const waiting = running !== null && stats !== null && (stats.cpu.owners[view.soul]?.waiting ?? 0) > 0;
  return (
    <div className="space-y-3" data-testid="run-panel">
      <div className="flex flex-wrap items-end gap-3">
        <label className="min-w-0 flex-1 text-xs font-medium text-slate-600">
          Arguments (JSON; merged over the attributes {Object.keys(view.attributes).length ? Object.keys(view.attributes).join(", ") : "— none"})
          <input
            value={kwargs}
            onChange={(e) => onKwargs(e.target.value)}
            spellCheck={false}
            data-testid="run-kwargs"
            className={`mt-1 block w-full rounded-lg border px-3 py-1.5 font-mono text-sm ${parsed.ok ? "border-slate-300" : "border-rose-400"}`}
          />
        </label>
        <Button variant="primary" onClick={() => void run()} disabled={!!running || !parsed.ok || !source.trim() || !kernel} data-testid="run-button">
          {running ? <Spinner /> : null}
          {waiting ? "Waiting in the CPU queue…" : running === "loading" ? "Loading Python…" : running === "running" ? "Running…" : "Run"}
        </Button>
      </div>
      {!parsed.ok && <p className="text-xs text-rose-700">{parsed.error}</p>}
      {running === "loading" && (
        <p className="text-xs text-slate-500">Python (Pyodide) loads in a sandbox with no network or storage: about two seconds the first time in a tab.</p>
      )}
      {outcome && <Output outcome={outcome} />}
    </div>
  );
}

function Output({ outcome }: { outcome: CallOutcome | { ok: false; error: { type: string; message: string; traceback: string }; local: true } }) {
  const measured = "ms" in outcome ? outcome : null;
  return (
    <div className="space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="run-output" data-ok={outcome.ok}>
      <div className="flex flex-wrap items-center gap-3 text-xs text-slate-500">
        <span className={`rounded px-1.5 py-0.5 font-semibold ${outcome.ok ? "bg-emerald-100 text-emerald-800" : "bg-rose-100 text-rose-800"}`}>
          {outcome.ok ? "returned" : outcome.error.type}
        </span>
        {measured && (
          <>
            <span data-testid="run-ms">{measured.ms.toFixed(1)} ms</span>
            <span data-testid="run-tiki">{measured.tiki} Tiki</span>
            {measured.calls.length > 1 && <span>{measured.calls.length - 1} nested calls</span>}
          </>
        )}
      </div>
      {outcome.ok ? (
        <pre className="overflow-x-auto font-mono text-sm text-slate-900" data-testid="run-value">
          {JSON.stringify(outcome.value, null, 2)}
        </pre>
      ) : (
        <div>
          <p className="text-rose-800" data-testid="run-error">
            {outcome.error.message}
          </p>
          {outcome.error.traceback && <pre className="mt-1 overflow-x-auto font-mono text-xs text-rose-700">{outcome.error.traceback}</pre>}
        </div>
      )}
      {measured?.stdout && (
        <div>
          <p className="text-xs font-medium text-slate-500">stdout</p>
          <pre className="overflow-x-auto font-mono text-xs text-slate-800" data-testid="run-stdout">
            {measured.stdout}
          </pre>
        </div>
      )}
      {measured?.stderr && (
        <div>
          <p className="text-xs font-medium text-slate-500">stderr</p>
          <pre className="overflow-x-auto font-mono text-xs text-amber-800">{measured.stderr}</pre>
        </div>
      )}
    </div>
  );
}

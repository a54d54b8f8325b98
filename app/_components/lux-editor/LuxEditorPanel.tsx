"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { getKernel } from "../../_kernel/kernelSingleton";
import { DEFAULT_BUDGET } from "../../../lib/lux/constants";
import type { Diagnostic } from "../../../lib/lux/diagnostics";
import type { Being } from "../../../lib/schemas";
import type { LuxFileInput, LuxRunView, LuxStepView } from "../../../workers/being/api";
import { useCurrentBranch, type CurrentBranch } from "../../_lib/currentBranch";
import { errorMessage } from "../../_lib/errorMessage";
import { runLuxInSwarm, stopLuxInSwarm } from "../../_swarm/luxInSwarm";
import { useSwarm } from "../../_swarm/useSwarm";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";
import { Panel } from "../ui/Panel";
import { LuxCodeEditor } from "./LuxCodeEditor";
import { LuxDropZone } from "./LuxDropZone";
import { LuxResult } from "./LuxResult";
import { LuxTrace } from "./LuxTrace";
import { programOf } from "./starterProgram";

const RUNNABLE = new Set(["running", "paused", "halted"]);

/** The being's Lux program: edit it with errors as you type, save it to the being, run it in the being's worker and watch each step. */
export function LuxEditorPanel({ being }: { being: Being }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { host, beings } = useSwarm();
  const here = beings.find((b) => b.soul === being.soul);
  const initial = useRef(programOf(being));
  const [source, setSource] = useState(initial.current.source);
  const [savedSource, setSavedSource] = useState(initial.current.saved ? initial.current.source : null);
  const [diagnostics, setDiagnostics] = useState<readonly Diagnostic[]>([]);
  const [budget, setBudget] = useState(String(DEFAULT_BUDGET));
  const [files, setFiles] = useState<LuxFileInput[]>([]);
  const [steps, setSteps] = useState<LuxStepView[]>([]);
  const [result, setResult] = useState<LuxRunView | null>(null);
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  /** The branch the app shows: a run happens there (its master reads and writes, its spend). */
  const branch = useCurrentBranch();
  const [ranIn, setRanIn] = useState<CurrentBranch | null>(null);
  const usesPython = /\bRUN\s+python\b/i.test(source);
  // NOTE: a program that runs Python gets a warm sandbox ready in the kernel's pool before Run is pressed.
  useEffect(() => {
    if (usesPython) getKernel().prewarm();
  }, [usesPython]);

  const save = useMutation(
    trpc.beings.update.mutationOptions({
      onSuccess: async (_data, input) => {
        const program = (input.attributes as Record<string, unknown> | undefined)?.["program"];
        setSavedSource(typeof program === "string" ? program : null);
        await queryClient.invalidateQueries({ queryKey: trpc.beings.get.queryKey({ soul: being.soul }) });
      },
    }),
  );

  const budgetValue = Number(budget);
  const budgetOk = Number.isSafeInteger(budgetValue) && budgetValue > 0;
  const runnable = here !== undefined && RUNNABLE.has(here.phase) && host !== null;
  const canRun = runnable && !running && diagnostics.length === 0 && budgetOk && source.trim() !== "";

  const run = useCallback(async () => {
    if (!host || !canRun) return;
    setRunning(true);
    setSteps([]);
    setResult(null);
    setProblem(null);
    setRanIn(branch);
    try {
      const view = await runLuxInSwarm(host, being.soul, { source, budget: budgetValue, files, branch: branch.id }, (batch) =>
        setSteps((prev) => [...prev, ...batch]),
      );
      setResult(view);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setRunning(false);
    }
  }, [host, canRun, being.soul, source, budgetValue, files, branch]);

  const stop = () => {
    if (host) void stopLuxInSwarm(host, being.soul);
  };

  const start = async () => {
    if (!host || !here) return;
    setStarting(true);
    try {
      await host.start(being.soul);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setStarting(false);
    }
  };

  const dirty = source !== savedSource;

  return (
    <Panel
      title="Lux program"
      description="The being's process in Lux (docs/lux.md). Errors show as you type; Run executes it in the being's worker, step by step, with its Tiki cost."
      testId="lux-editor-panel"
      actions={
        <>
          <span className="text-xs text-slate-500" data-testid="lux-saved">
            {save.isPending ? "Saving…" : dirty ? "Unsaved changes" : "Saved to the being"}
          </span>
          <Button
            size="sm"
            disabled={!dirty || save.isPending || being.core}
            onClick={() => save.mutate({ soul: being.soul, attributes: { program: source } })}
            data-testid="lux-save"
          >
            Save
          </Button>
        </>
      }
    >
      <div className="space-y-3">
        <BeingState phase={here?.phase ?? null} starting={starting} onStart={() => void start()} />
        <RunBranch current={branch} ranIn={running || result ? ranIn : null} />
        <LuxCodeEditor initial={initial.current.source} onChange={setSource} onDiagnostics={setDiagnostics} onRun={() => void run()} />
        <Diagnostics diagnostics={diagnostics} />
        <LuxDropZone files={files} onFiles={setFiles} />
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="primary" disabled={!canRun} onClick={() => void run()} data-testid="lux-run" title="Run (Ctrl/⌘ + Enter)">
            {running ? "Running…" : "Run"}
          </Button>
          <Button variant="danger-outline" disabled={!running} onClick={stop} data-testid="lux-stop">
            Stop
          </Button>
          <label className="flex items-center gap-1.5 text-xs text-slate-600">
            Budget
            <input
              className={`${inputClass} h-8 !w-28`}
              inputMode="numeric"
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
              aria-invalid={!budgetOk}
              data-testid="lux-budget"
            />
            Tiki
          </label>
          {!budgetOk && <span className="text-xs text-rose-700">The budget is a whole number of Tiki above 0.</span>}
          {running && (
            <span className="text-xs text-slate-500" data-testid="lux-running">
              {steps.length} steps so far
            </span>
          )}
        </div>
        {problem && (
          <p className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="lux-problem">
            {problem}
          </p>
        )}
        {(steps.length > 0 || result) && <LuxTrace steps={steps} budget={result?.budget ?? budgetValue} />}
        {result && <LuxResult soul={being.soul} result={result} />}
        {save.isError && <p className="text-sm text-rose-700">The program was not saved: {save.error.message}</p>}
      </div>
    </Panel>
  );
}

function BeingState({ phase, starting, onStart }: { phase: string | null; starting: boolean; onStart: () => void }) {
  if (phase === null)
    return (
      <p className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900" data-testid="lux-being-state" data-state="absent">
        This being does not run in this browser, so its program cannot run here. Spawn beings on the{" "}
        <Link href="/swarm" className="font-medium underline">
          Swarm page
        </Link>{" "}
        to run Lux in them; you can still edit and save the program.
      </p>
    );
  if (RUNNABLE.has(phase))
    return (
      <p className="rounded-lg bg-emerald-50 px-3 py-2 text-xs text-emerald-900" data-testid="lux-being-state" data-state="running">
        The being is {phase} in this tab: Run executes the program in its worker, against its micro-world and the master.
      </p>
    );
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900" data-testid="lux-being-state" data-state={phase}>
      <span>The being is {phase === "elsewhere" ? "running in another tab" : phase} here; start it in this tab to run its program.</span>
      {phase !== "elsewhere" && (
        <Button size="sm" onClick={onStart} disabled={starting || phase === "starting"} data-testid="lux-start-being">
          {starting || phase === "starting" ? "Starting…" : "Start the being"}
        </Button>
      )}
    </div>
  );
}

/** Which branch a run happens in: the app's current one (the run's master reads and writes, its Tiki); a finished run says where it ran. */
function RunBranch({ current, ranIn }: { current: CurrentBranch; ranIn: CurrentBranch | null }) {
  const shown = ranIn ?? current;
  const inMain = shown.id === "main";
  return (
    <p
      className={`rounded-lg px-3 py-2 text-xs ${inMain ? "bg-slate-50 text-slate-600" : "border border-amber-200 bg-amber-50 text-amber-900"}`}
      data-testid="lux-branch"
      data-branch={shown.id}
    >
      <span aria-hidden>⎇ </span>
      {ranIn ? "This run is in" : "Runs in"} branch <strong data-testid="lux-branch-name">{shown.name}</strong>
      {inMain
        ? ": what it SUMMONs and REPORTs goes to the world as it is."
        : ": it reads this branch, and what it SUMMONs, REPORTs and spends stays here until the branch is merged."}
      {ranIn && ranIn.id !== current.id && <span className="font-medium"> (the app now shows {current.name})</span>}
    </p>
  );
}

function Diagnostics({ diagnostics }: { diagnostics: readonly Diagnostic[] }) {
  if (diagnostics.length === 0)
    return (
      <p className="text-xs text-emerald-700" data-testid="lux-diagnostics" data-count={0}>
        No errors.
      </p>
    );
  return (
    <ul className="space-y-1 text-xs text-rose-800" data-testid="lux-diagnostics" data-count={diagnostics.length}>
      {diagnostics.map((d, i) => (
        <li key={i} className="rounded bg-rose-50 px-2 py-1" data-testid="lux-diagnostic">
          <span className="font-mono text-rose-500">
            {d.span.line}:{d.span.column}
          </span>{" "}
          {d.message}
          {d.hint && <span className="text-rose-600"> — hint: {d.hint}</span>}
        </li>
      ))}
    </ul>
  );
}

"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { FanOutRun, FanOutTask, FanOutVariant } from "../../../lib/branches/schemas";
import { getKernel } from "../../_kernel/kernelSingleton";
import { runFanOut, STARTING, type VariantProgress } from "../../_swarm/fanOutInSwarm";
import { runLuxInSwarm, settleInSwarm, startInSwarm, stopLuxInSwarm } from "../../_swarm/luxInSwarm";
import { useSwarm } from "../../_swarm/useSwarm";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Panel } from "../ui/Panel";

const DEFAULT_PROGRAM = `# Runs once per branch, in a being genesis'd there.
# \`input\` is the same everywhere; \`personality\` is the branch's own.
LOAD master query "ticket" AS tickets
RUN python "result = round(" + personality.warmth + " * 100)" AS warmth
SET reply = personality.opening + " " + input
REMEMBER {reply: reply, warmth: warmth} AS "draft reply"
REPORT {reply: reply, warmth: warmth, tickets_seen: tickets.length} TO master`;

const DEFAULT_VARIANTS = `warm: {"opening": "Dear friend,", "warmth": 0.9}
terse: {"opening": "FYI:", "warmth": 0.2}`;

/** How long fan-in waits for each variant's being to send what it still holds; past that (offline) it goes on, and the rest stays in the being's micro-world. */
const SETTLE_MS = 5_000;

/** `value` of the being picker for "a new being per variant". */
const NEW_BEINGS = "";

/** Parses `name: {personality JSON}` lines. */
function parseVariants(text: string): { ok: true; value: { name: string; personality: Record<string, never> }[] } | { ok: false; error: string } {
  const out: { name: string; personality: Record<string, never> }[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(":");
    if (colon < 1) return { ok: false, error: `Line ${i + 1}: write "name: {json}".` };
    try {
      const personality: unknown = JSON.parse(line.slice(colon + 1).trim() || "{}");
      if (typeof personality !== "object" || personality === null || Array.isArray(personality))
        return { ok: false, error: `Line ${i + 1}: the personality is a JSON object.` };
      out.push({ name: line.slice(0, colon).trim(), personality: personality as Record<string, never> });
    } catch (error) {
      return { ok: false, error: `Line ${i + 1}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { ok: true, value: out };
}

/**
 * Fan-out and fan-in: one input through a new branch per personality, each run by a being genesis'd in its branch
 * and running in a worker of this tab (RUN python in the kernel's sandbox pool, REMEMBER in its micro-world, every
 * master call in its branch); live progress, then outputs and figures side by side; one output merged into main.
 */
export function FanOutPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { host, beings, problem } = useSwarm();
  const [input, setInput] = useState("we will refund your payment today");
  const [program, setProgram] = useState(DEFAULT_PROGRAM);
  const [variantsText, setVariantsText] = useState(DEFAULT_VARIANTS);
  const [template, setTemplate] = useState(NEW_BEINGS);
  const [task, setTask] = useState<FanOutTask | null>(null);
  const [progress, setProgress] = useState<Record<string, VariantProgress>>({});
  const [merged, setMerged] = useState<string | null>(null);
  const variants = parseVariants(variantsText);
  const usesPython = /\bRUN\s+python\b/i.test(program);
  // NOTE: a fan-out that runs Python gets a warm sandbox ready in the kernel's pool before Fan out is pressed.
  useEffect(() => {
    if (usesPython) getKernel().prewarm();
  }, [usesPython]);

  const refresh = () => queryClient.invalidateQueries();
  const fork = useMutation(trpc.branches.fanOutFork.mutationOptions());
  const record = useMutation(trpc.branches.fanOutRecord.mutationOptions());
  const merge = useMutation(trpc.branches.merge.mutationOptions());
  const drop = useMutation(trpc.branches.drop.mutationOptions());
  const archive = useMutation(trpc.branches.archive.mutationOptions());

  const run = useMutation({
    mutationFn: async () => {
      if (!host || !variants.ok) return;
      setMerged(null);
      setProgress({});
      const made = await fork.mutateAsync({ input, program, variants: variants.value, ...(template !== NEW_BEINGS && { being: template }) });
      setTask(made);
      setProgress(Object.fromEntries(made.variants.map((v) => [v.branch.id, STARTING])));
      void refresh();
      await runFanOut(
        made,
        {
          start: (r) => startInSwarm(host, r),
          run: (soul, request, onSteps) => runLuxInSwarm(host, soul, request, onSteps),
          record: (r) => record.mutateAsync(r),
        },
        (branch, p) => setProgress((all) => ({ ...all, [branch]: p })),
      );
      await refresh();
    },
  });

  /** Fan-in: the picked output into main (a shallow merge), the other branches dropped, the picked one archived; the variants' beings leave this tab. */
  const fanIn = useMutation({
    mutationFn: async ({ pick, ran }: { pick: FanOutVariant & { run: FanOutRun }; ran: FanOutTask }) => {
      // NOTE: what the variants' beings still hold for the master (facts, events, spend) goes first, while their branches are open.
      if (host) await Promise.all(ran.variants.map((v) => settleInSwarm(host, v.being.soul, SETTLE_MS)));
      const result = await merge.mutateAsync({ branch: pick.branch.id, mode: "shallow", souls: pick.run.output_soul ? [pick.run.output_soul] : [] });
      if (result.status === "conflicts")
        throw new Error(`The output conflicts with main (${result.conflicts.length} conflict(s)); merge it from the tree to resolve them.`);
      for (const v of ran.variants) if (v.branch.id !== pick.branch.id) await drop.mutateAsync({ branch: v.branch.id });
      await archive.mutateAsync({ branch: pick.branch.id });
      // NOTE: their work is done (the output is in main, the rest dropped): the variants' beings stop and leave this tab's swarm.
      if (host) await Promise.all(ran.variants.map((v) => host.forget(v.being.soul).catch(() => undefined)));
      return result;
    },
    onSuccess: (_r, { pick }) => (setMerged(pick.branch.id), void refresh()),
  });

  const running = run.isPending;
  const stopAll = () => {
    if (host && task) for (const v of task.variants) void stopLuxInSwarm(host, v.being.soul);
  };
  const candidates = beings.filter((b) => !task?.variants.some((v) => v.being.soul === b.soul));
  const done = task !== null && !running && task.variants.every((v) => ["done", "failed"].includes(progress[v.branch.id]?.phase ?? ""));

  return (
    <Panel
      title="Fan out, fan in"
      description="One input through several new branches, the same Lux program run by a being in each (in this tab, with a different personality); pick the output that goes to main."
      testId="fanout-panel"
    >
      <div className="grid gap-3 lg:grid-cols-5">
        <div className="space-y-2 lg:col-span-2">
          <label className="block text-xs font-medium text-slate-600">
            Input
            <textarea
              value={input}
              onChange={(e) => setInput(e.target.value)}
              rows={3}
              className="mt-1 w-full rounded border border-slate-300 p-2 text-sm"
              data-testid="fanout-input"
            />
          </label>
          <label className="block text-xs font-medium text-slate-600">
            Branches (one per line — name: personality as JSON)
            <textarea
              value={variantsText}
              onChange={(e) => setVariantsText(e.target.value)}
              rows={3}
              className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs"
              data-testid="fanout-variants"
            />
            {!variants.ok && <span className="text-rose-700">{variants.error}</span>}
          </label>
          <label className="block text-xs font-medium text-slate-600">
            Each branch&apos;s being
            <select
              value={template}
              onChange={(e) => setTemplate(e.target.value)}
              className="mt-1 h-8 w-full rounded border border-slate-300 bg-white px-2 text-xs"
              data-testid="fanout-being"
            >
              <option value={NEW_BEINGS}>a new being per branch, with its personality</option>
              {candidates.map((b) => (
                <option key={b.soul} value={b.soul}>
                  a copy of {b.name}, with the branch&apos;s personality
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="block text-xs font-medium text-slate-600 lg:col-span-3">
          Program (Lux) — sees <code>input</code> and <code>personality</code>; its last REPORT is the branch&apos;s output
          <textarea
            value={program}
            onChange={(e) => setProgram(e.target.value)}
            rows={11}
            spellCheck={false}
            className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs leading-5"
            data-testid="fanout-program"
          />
        </label>
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <Button variant="primary" data-testid="fanout-run" disabled={running || !variants.ok || host === null} onClick={() => run.mutate()}>
          {running ? "Running…" : "Fan out"}
        </Button>
        {running && task && (
          <Button variant="danger-outline" onClick={stopAll} data-testid="fanout-stop">
            Stop
          </Button>
        )}
        <span className="text-xs text-slate-500">
          {host === null
            ? "Starting this tab's swarm…"
            : "Each branch's being runs in a worker of this tab: its master calls stay in its branch, RUN python waits in the kernel's CPU queue, and its Tiki are booked to the branch and the fan-out."}
        </span>
      </div>
      {problem && <p className="mt-2 text-xs text-rose-700">Being workers cannot start in this tab: {problem}</p>}
      {run.isError && <ErrorBox error={run.error} title="The fan-out did not run" />}
      {task && (
        <div className="mt-4 grid gap-3 md:grid-cols-2 lg:grid-cols-3" data-testid="fanout-results">
          {task.variants.map((v) => (
            <VariantCard
              key={v.branch.id}
              variant={v}
              progress={progress[v.branch.id] ?? STARTING}
              merged={merged}
              canPick={done && merged === null && !fanIn.isPending}
              onPick={(r) => fanIn.mutate({ pick: { ...v, run: r }, ran: task })}
            />
          ))}
        </div>
      )}
      {task && (
        <p className="mt-2 text-xs text-slate-500" data-testid="fanout-task">
          Task <span className="font-mono">{task.task}</span>: every variant&apos;s Tiki are booked to it and to the variant&apos;s branch.
        </p>
      )}
      {fanIn.isError && <ErrorBox error={fanIn.error} title="Could not fan in" />}
    </Panel>
  );
}

const PHASE_TEXT: Record<VariantProgress["phase"], string> = {
  starting: "starting its being",
  running: "running",
  recording: "recording the output",
  done: "done",
  failed: "failed",
};

function VariantCard({
  variant,
  progress,
  merged,
  canPick,
  onPick,
}: {
  variant: FanOutVariant;
  progress: VariantProgress;
  merged: string | null;
  canPick: boolean;
  onPick: (run: FanOutRun) => void;
}) {
  const r = progress.run;
  const isMerged = merged === variant.branch.id;
  const dropped = merged !== null && !isMerged;
  const badge =
    progress.phase === "done" && r
      ? r.ok
        ? "bg-emerald-50 text-emerald-700"
        : "bg-rose-50 text-rose-700"
      : progress.phase === "failed"
        ? "bg-rose-50 text-rose-700"
        : "bg-sky-50 text-sky-700";
  return (
    <div
      className={`rounded-lg border p-3 ${isMerged ? "border-emerald-400 bg-emerald-50" : dropped ? "border-slate-200 opacity-60" : "border-slate-200"}`}
      data-testid={`fanout-result-${variant.name}`}
      data-phase={progress.phase}
    >
      <p className="flex items-center gap-2 text-sm font-semibold text-slate-900">
        ⎇ {variant.name}
        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${badge}`} data-testid="fanout-phase">
          {progress.phase === "done" && r ? (r.ok ? "passed" : "failed") : PHASE_TEXT[progress.phase]}
        </span>
      </p>
      <p className="mt-0.5 truncate text-xs text-slate-500" title={variant.being.soul}>
        being {variant.being.name} · {variant.being.personality || "no personality"}
      </p>
      <p className="mt-1 text-xs text-slate-700 tabular-nums" data-testid="fanout-progress">
        {progress.steps} {progress.steps === 1 ? "step" : "steps"} · {progress.tiki.toLocaleString("en")} Tiki
      </p>
      {progress.phase === "failed" && <p className="mt-2 text-xs text-rose-700">{progress.problem}</p>}
      {r && (
        <pre
          className="mt-2 max-h-32 overflow-auto rounded bg-slate-50 p-2 text-[11px] break-words whitespace-pre-wrap text-slate-800"
          data-testid="fanout-output"
        >
          {r.error ?? JSON.stringify(r.output, null, 2)}
        </pre>
      )}
      {r?.ok && canPick && (
        <Button size="sm" className="mt-2" onClick={() => onPick(r)} data-testid={`fanout-pick-${variant.name}`}>
          Merge this output into {variant.branch.parent === "main" ? "main" : "its parent"}, drop the others
        </Button>
      )}
      {isMerged && <p className="mt-2 text-xs font-medium text-emerald-700">Merged: this is the one output of this input.</p>}
      {dropped && <p className="mt-2 text-xs text-slate-500">Dropped.</p>}
    </div>
  );
}

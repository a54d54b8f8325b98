"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Panel } from "../ui/Panel";

const DEFAULT_PROGRAM = `# Runs once per branch: \`input\` is the same everywhere, \`personality\` is the branch's own.
LOAD master query "ticket" AS tickets
SET reply = personality.opening + " " + input
REPORT {reply: reply, tickets_seen: tickets.length} TO master`;

const DEFAULT_VARIANTS = `warm: {"opening": "Dear friend,"}
terse: {"opening": "FYI:"}`;

/** What fan-in needs of a run. */
interface PickedRun {
  readonly branch: { readonly id: string };
  readonly output_soul: string | null;
}

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

/** Fan-out and fan-in: one input through a branch per personality, outputs side by side, one merged into main. */
export function FanOutPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [input, setInput] = useState("we will refund your payment today");
  const [program, setProgram] = useState(DEFAULT_PROGRAM);
  const [variantsText, setVariantsText] = useState(DEFAULT_VARIANTS);
  const [merged, setMerged] = useState<string | null>(null);
  const variants = parseVariants(variantsText);
  const refresh = () => queryClient.invalidateQueries();
  const run = useMutation(trpc.branches.fanOut.mutationOptions({ onSuccess: () => (setMerged(null), void refresh()) }));
  const fanIn = useMutation({
    mutationFn: async ({ pick, others }: { pick: PickedRun; others: PickedRun[] }) => {
      const result = await merge.mutateAsync({ branch: pick.branch.id, mode: "shallow", souls: pick.output_soul ? [pick.output_soul] : [] });
      for (const o of others) await drop.mutateAsync({ branch: o.branch.id });
      return result;
    },
    onSuccess: (_r, { pick }) => (setMerged(pick.branch.id), void refresh()),
  });
  const merge = useMutation(trpc.branches.merge.mutationOptions());
  const drop = useMutation(trpc.branches.drop.mutationOptions());
  return (
    <Panel
      title="Fan out, fan in"
      description="One input through several new branches, the same Lux program under a different personality in each; pick the output that goes to main."
      testId="fanout-panel"
    >
      <div className="grid gap-3 lg:grid-cols-3">
        <label className="text-xs font-medium text-slate-600">
          Input
          <textarea
            value={input}
            onChange={(e) => setInput(e.target.value)}
            rows={4}
            className="mt-1 w-full rounded border border-slate-300 p-2 text-sm"
            data-testid="fanout-input"
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          Program (Lux)
          <textarea
            value={program}
            onChange={(e) => setProgram(e.target.value)}
            rows={4}
            className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs"
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          Branches (name: personality)
          <textarea
            value={variantsText}
            onChange={(e) => setVariantsText(e.target.value)}
            rows={4}
            className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs"
            data-testid="fanout-variants"
          />
          {!variants.ok && <span className="text-rose-700">{variants.error}</span>}
        </label>
      </div>
      <div className="mt-3">
        <Button
          variant="primary"
          data-testid="fanout-run"
          disabled={run.isPending || !variants.ok}
          onClick={() => variants.ok && run.mutate({ input, program, variants: variants.value })}
        >
          {run.isPending ? "Running…" : "Fan out"}
        </Button>
      </div>
      {run.isError && <ErrorBox error={run.error} title="The fan-out did not run" />}
      {run.data && (
        <div className="mt-4 grid gap-3 md:grid-cols-2 lg:grid-cols-3" data-testid="fanout-results">
          {run.data.map((r) => (
            <div
              key={r.branch.id}
              className={`rounded-lg border p-3 ${merged === r.branch.id ? "border-emerald-400 bg-emerald-50" : "border-slate-200"}`}
              data-testid={`fanout-result-${r.branch.name}`}
            >
              <p className="flex items-center gap-2 text-sm font-semibold text-slate-900">
                ⎇ {r.branch.name}
                <span className={`rounded px-1.5 py-0.5 text-xs ${r.ok ? "bg-emerald-50 text-emerald-700" : "bg-rose-50 text-rose-700"}`}>
                  {r.ok ? "passed" : "failed"}
                </span>
              </p>
              <p className="mt-1 text-xs text-slate-500">
                {r.tiki} Tiki · {r.steps} steps
              </p>
              <pre className="mt-2 max-h-32 overflow-auto rounded bg-slate-50 p-2 text-[11px] break-words whitespace-pre-wrap text-slate-800">
                {r.error ?? JSON.stringify(r.output, null, 2)}
              </pre>
              {r.ok && merged === null && (
                <Button
                  size="sm"
                  className="mt-2"
                  disabled={fanIn.isPending}
                  onClick={() => fanIn.mutate({ pick: r, others: run.data.filter((o) => o.branch.id !== r.branch.id) })}
                  data-testid={`fanout-pick-${r.branch.name}`}
                >
                  Merge this output into {r.branch.parent === "main" ? "main" : "its parent"}, drop the others
                </Button>
              )}
              {merged === r.branch.id && <p className="mt-2 text-xs font-medium text-emerald-700">Merged: this is the one output of this input.</p>}
            </div>
          ))}
        </div>
      )}
      {fanIn.isError && <ErrorBox error={fanIn.error} title="Could not fan in" />}
    </Panel>
  );
}

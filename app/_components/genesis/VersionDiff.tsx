"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { GenesisView } from "../../../lib/genesis";
import { useTRPC } from "../../_trpc/client";
import { ErrorBox } from "../ui/ErrorBox";
import { Skeleton } from "../ui/Skeleton";

const ROW_STYLE = {
  same: ["", ""],
  added: ["bg-slate-50", "bg-emerald-50 text-emerald-900"],
  removed: ["bg-rose-50 text-rose-900", "bg-slate-50"],
  changed: ["bg-rose-50 text-rose-900", "bg-emerald-50 text-emerald-900"],
} as const;

interface Choice {
  key: string;
  label: string;
  soul: string;
  version: number;
}

/** Any two versions side by side: of this being, or the parent version it mutated from. */
export function VersionDiff({ view }: { view: GenesisView }) {
  const trpc = useTRPC();
  const head = view.genesis.version;
  const from = view.genesis.meta["mutated_from"] as { soul?: string; version?: number } | undefined;
  const choices: Choice[] = [
    ...(from?.soul && typeof from.version === "number" ? [{ key: "parent", label: `parent v${from.version}`, soul: from.soul, version: from.version }] : []),
    ...view.history.map((h) => ({ key: `v${h.version}`, label: `v${h.version}`, soul: view.soul, version: h.version })),
  ];
  const [a, setA] = useState(choices.length > 1 ? choices.at(-2)!.key : undefined);
  const [b, setB] = useState(head ? `v${head}` : undefined);
  const left = choices.find((c) => c.key === a);
  const right = choices.find((c) => c.key === b);
  const diff = useQuery(
    trpc.genesis.diff.queryOptions(
      left && right ? { a: { soul: left.soul, version: left.version }, b: { soul: right.soul, version: right.version } } : skipToken,
    ),
  );
  if (choices.length < 2) return <p className="text-sm text-slate-500">There is one version so far: evolve the code to compare versions.</p>;

  const picker = (value: string | undefined, set: (k: string) => void, label: string) => (
    <label className="flex items-center gap-2 text-xs text-slate-600">
      {label}
      <select
        value={value}
        onChange={(e) => set(e.target.value)}
        className="rounded-md border border-slate-300 px-2 py-1 text-xs"
        data-testid={`diff-${label}`}
      >
        {choices.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="space-y-3" data-testid="version-diff">
      <div className="flex flex-wrap items-center gap-4">
        {picker(a, setA, "left")}
        {picker(b, setB, "right")}
        {diff.data && (
          <span className="text-xs text-slate-500">
            <span className="text-emerald-700">+{diff.data.classification.added}</span>{" "}
            <span className="text-rose-700">−{diff.data.classification.removed}</span> lines
          </span>
        )}
      </div>
      {diff.isPending ? (
        <Skeleton className="h-32 w-full" />
      ) : diff.isError ? (
        <ErrorBox error={diff.error} title="Could not compare these versions" />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200">
          <table className="w-full table-fixed border-collapse font-mono text-xs">
            <tbody>
              {diff.data.rows.map((row, i) => (
                <tr key={i} data-kind={row.kind}>
                  <td className="w-10 border-r border-slate-100 px-2 text-right text-slate-400 select-none">{row.left?.line ?? ""}</td>
                  <td className={`border-r border-slate-200 px-2 whitespace-pre-wrap break-all ${ROW_STYLE[row.kind][0]}`}>{row.left?.text ?? ""}</td>
                  <td className="w-10 border-r border-slate-100 px-2 text-right text-slate-400 select-none">{row.right?.line ?? ""}</td>
                  <td className={`px-2 whitespace-pre-wrap break-all ${ROW_STYLE[row.kind][1]}`}>{row.right?.text ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

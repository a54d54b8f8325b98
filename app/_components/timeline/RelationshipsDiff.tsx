"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { Relationship } from "../../../lib/schemas";
import { useTRPC } from "../../_trpc/client";

type Status = "same" | "changed" | "gone since" | "new since";

const STATUS_STYLE: Record<Status, string> = {
  same: "text-slate-500",
  changed: "text-amber-700",
  "gone since": "text-rose-700",
  "new since": "text-emerald-700",
};

/** What a person compares of a relationship: everything but its bookkeeping times. */
function content(r: Relationship): string {
  const { updated_at: _u, created_at: _c, ...rest } = r;
  return JSON.stringify(rest);
}

/**
 * The relationships touching a being at the chosen moment, both directions, each marked against now:
 * the same, changed, gone since (a restore brings it back) or new since (a restore removes it).
 */
export function RelationshipsDiff({ soul, then, now }: { soul: string; then: readonly Relationship[]; now: readonly Relationship[] }) {
  const before = new Map(then.map((r) => [r.id, r]));
  const after = new Map(now.map((r) => [r.id, r]));
  const rows = [...new Set([...before.keys(), ...after.keys()])].map((id) => {
    const t = before.get(id);
    const n = after.get(id);
    const status: Status = !n ? "gone since" : !t ? "new since" : content(t) === content(n) ? "same" : "changed";
    return { id, shown: (t ?? n)!, status, now: n };
  });
  if (rows.length === 0)
    return (
      <p className="text-sm text-slate-500" data-testid="relationships-none">
        No relationships then or now.
      </p>
    );
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="relationships-at">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">With</th>
            <th className="py-1 pr-3 font-medium">Tags</th>
            <th className="py-1 pr-3 font-medium">Energy then → now</th>
            <th className="py-1 font-medium">Against now</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ id, shown, status, now: current }) => {
            const out = shown.source_soul === soul;
            const peer = out ? shown.target_soul : shown.source_soul;
            return (
              <tr key={id} className="border-t border-slate-100 align-top" data-testid="relationship-row" data-status={status}>
                <td className="py-1 pr-3 font-mono">
                  <span className="text-slate-400">{out ? "→ " : "← "}</span>
                  {peer === soul ? (
                    "itself"
                  ) : (
                    <Link href={`/timeline?being=${peer}`} className="text-indigo-600 hover:underline" title={peer}>
                      <PeerName soul={peer} />
                    </Link>
                  )}
                </td>
                <td className="py-1 pr-3">{shown.tags.join(", ") || "—"}</td>
                <td className="py-1 pr-3 font-mono">
                  {before.has(id) ? before.get(id)!.energy_level : "—"} → {current ? current.energy_level : "—"}
                </td>
                <td className={`py-1 font-medium ${STATUS_STYLE[status]}`}>{status}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A peer by name; a being that is gone now (or that the caller may not read) by the start of its soul. */
function PeerName({ soul }: { soul: string }) {
  const trpc = useTRPC();
  const peer = useQuery({ ...trpc.beings.get.queryOptions({ soul }), retry: false });
  const name = peer.data?.genesis["name"];
  if (typeof name === "string") return <span className="font-sans">{name}</span>;
  return (
    <span>
      {soul.slice(0, 8)}…{peer.isError && <span className="font-sans text-slate-400"> (gone now)</span>}
    </span>
  );
}

import Link from "next/link";
import { CORE_BEINGS } from "../../../lib/coreBeings";

/** The core beings every other being descends from (and the kernel's two queues). */
export function CoreBeingsGrid() {
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5" data-testid="core-beings">
      {CORE_BEINGS.map((b) => (
        <li key={b.soul}>
          <Link
            href={`/beings/${b.soul}`}
            data-testid="core-being-link"
            className="group flex h-full flex-col rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-amber-300 hover:shadow-md"
          >
            <span className="flex items-center justify-between gap-2">
              <span className="font-semibold text-slate-900 group-hover:text-amber-800">{b.name}</span>
              <span className="rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-700">{b.type}</span>
            </span>
            <span className="mt-1 text-sm text-slate-500">{b.about}</span>
            <code className="mt-auto pt-3 font-mono text-[11px] text-slate-400">…{b.soul.slice(-4)}</code>
          </Link>
        </li>
      ))}
    </ul>
  );
}

"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import type { KernelQueueStats } from "../../../lib/kernel/KernelQueue";
import { CPU_QUEUE_SOUL, IO_QUEUE_SOUL, type KernelStats } from "../../_kernel/Kernel";
import { useKernel } from "../../_kernel/useKernel";
import { useSwarm } from "../../_swarm/useSwarm";
import { Panel } from "../ui/Panel";

type Which = "io" | "cpu";

const ABOUT: Record<Which, { name: string; soul: string; what: string }> = {
  io: { name: "IOQueue", soul: IO_QUEUE_SOUL, what: "master calls, CALLs between beings" },
  cpu: { name: "CPUQueue", soul: CPU_QUEUE_SOUL, what: "Python runs on the sandbox pool" },
};

function Figure({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div>
      <dt className="text-[11px] text-slate-500">{label}</dt>
      <dd className="text-sm font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** One queue being, live: its depth (waiting jobs), what runs, what passed through, and whose jobs wait. */
function QueueCard({ which, queue, extra, names }: { which: Which; queue: KernelQueueStats; extra?: ReactNode; names: Map<string, string> }) {
  const about = ABOUT[which];
  const owners = Object.entries(queue.owners);
  const full = queue.depth / queue.capacity;
  return (
    <article
      data-testid={`queue-${which}`}
      data-depth={queue.depth}
      data-running={queue.running}
      data-done={queue.done}
      data-refused={queue.refused}
      className="rounded-lg border border-slate-200 p-3"
    >
      <header className="flex items-baseline justify-between gap-2">
        <Link href={`/beings/${about.soul}`} className="text-sm font-semibold text-indigo-700 hover:underline">
          {about.name}
        </Link>
        <span className="text-[11px] text-slate-500">{about.what}</span>
      </header>
      <div className="mt-2 flex items-end gap-3">
        <p className="text-3xl font-semibold text-slate-900 tabular-nums" data-testid={`queue-${which}-depth`}>
          {queue.depth}
        </p>
        <p className="pb-1 text-xs text-slate-500">
          waiting · {queue.running}/{queue.concurrency} running
        </p>
      </div>
      <div className="mt-1 h-1.5 overflow-hidden rounded bg-slate-100" aria-hidden>
        <div className={`h-full ${full > 0.8 ? "bg-rose-500" : "bg-indigo-500"}`} style={{ width: `${Math.min(100, full * 100)}%` }} />
      </div>
      <dl className="mt-2 grid grid-cols-4 gap-2">
        <Figure label="done" value={queue.done} testId={`queue-${which}-done`} />
        <Figure label="failed" value={queue.failed} />
        <Figure label="cancelled" value={queue.cancelled} />
        <Figure label="refused" value={queue.refused} />
      </dl>
      <p className="mt-1 text-[11px] text-slate-500">
        wait p50 {queue.waitP50Ms === null ? "—" : `${queue.waitP50Ms} ms`} · holds at most {queue.capacity}
      </p>
      {extra}
      {owners.length > 0 && (
        <ul className="mt-2 space-y-0.5 text-xs text-slate-600" data-testid={`queue-${which}-owners`}>
          {owners.map(([soul, o]) => (
            <li key={soul} className="flex justify-between gap-2">
              <Link href={`/beings/${soul}`} className="truncate hover:underline" title={soul}>
                {names.get(soul) ?? `${soul.slice(0, 8)}…${soul.slice(-4)}`}
              </Link>
              <span className="tabular-nums">
                {o.running} running · {o.waiting} waiting
              </span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function PoolLine({ stats }: { stats: KernelStats }) {
  const pool = stats.cpu.pool;
  return (
    <p className="mt-1 text-[11px] text-slate-500" data-testid="sandbox-pool" data-spare={pool.spare}>
      sandboxes {pool.sandboxes}/{pool.size} ({pool.busy} busy) · spare {pool.spare === "none" ? "none" : pool.spare === "ready" ? "warm" : "loading"} ·{" "}
      {pool.warmStarts} warm / {pool.coldStarts} cold starts
    </p>
  );
}

/** The tab's kernel: its two queue beings with their depth, live (seed 001). */
export function KernelPanel() {
  const { stats } = useKernel();
  const { beings } = useSwarm();
  const names = new Map(beings.map((b) => [b.soul, b.name]));
  return (
    <Panel
      title="Kernel"
      description="This tab's two queues: every being's master calls and CALLs wait in the I/O queue, its Python in the CPU queue, served in turn."
      testId="kernel-panel"
    >
      {stats ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <QueueCard which="io" queue={stats.io} names={names} />
          <QueueCard which="cpu" queue={stats.cpu} names={names} extra={<PoolLine stats={stats} />} />
        </div>
      ) : (
        <p className="text-sm text-slate-500">Starting the kernel…</p>
      )}
    </Panel>
  );
}

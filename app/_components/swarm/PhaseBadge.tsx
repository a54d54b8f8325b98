import type { BeingPhase } from "../../_swarm/SwarmHost";

const LOOK: Record<BeingPhase, { text: string; className: string; pulse?: boolean }> = {
  starting: { text: "starting", className: "bg-sky-50 text-sky-700 ring-sky-200", pulse: true },
  running: { text: "running", className: "bg-emerald-50 text-emerald-700 ring-emerald-200", pulse: true },
  paused: { text: "paused", className: "bg-amber-50 text-amber-700 ring-amber-200" },
  halted: { text: "halted: budget", className: "bg-orange-50 text-orange-700 ring-orange-200" },
  stopped: { text: "stopped", className: "bg-slate-100 text-slate-600 ring-slate-200" },
  crashed: { text: "crashed / hung", className: "bg-rose-50 text-rose-700 ring-rose-200" },
  error: { text: "error", className: "bg-rose-50 text-rose-700 ring-rose-200" },
  elsewhere: { text: "running in another tab", className: "bg-violet-50 text-violet-700 ring-violet-200" },
};

/** A being's lifecycle phase as a coloured pill. */
export function PhaseBadge({ phase }: { phase: BeingPhase }) {
  const look = LOOK[phase];
  return (
    <span
      data-testid="being-phase"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${look.className}`}
    >
      <span className="relative flex size-1.5">
        {look.pulse && <span className="absolute inline-flex size-full animate-ping rounded-full bg-current opacity-50" />}
        <span className="relative inline-flex size-1.5 rounded-full bg-current" />
      </span>
      {look.text}
    </span>
  );
}

"use client";
import type { SyncStatus } from "../../../workers/being/api";

/** "3 s ago", "2 min ago", "1 h ago" between two instants of the same clock. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** The indicator's words and colour for a sync status seen at `at` (the worker's clock). */
export function describeSync(sync: SyncStatus, at: number): { text: string; tone: "ok" | "wait" | "bad" } {
  const waiting = sync.depth - sync.refused;
  const refused = sync.refused > 0 ? ` · ${sync.refused} refused` : "";
  if (sync.state === "offline") return { text: `offline — ${waiting.toLocaleString("en")} waiting${refused}`, tone: "wait" };
  const synced = sync.lastSyncAt !== null ? `synced ${ago(at - sync.lastSyncAt)}` : waiting === 0 ? "all sent" : "not synced yet";
  if (sync.state === "retrying") {
    const next = sync.nextAttemptAt === null ? "" : `, retry in ${Math.max(0, Math.ceil((sync.nextAttemptAt - at) / 1000))} s`;
    return { text: `outbox ${waiting.toLocaleString("en")} · master unreachable${next}${refused}`, tone: "bad" };
  }
  return { text: `outbox ${waiting.toLocaleString("en")} · ${sync.state === "sending" ? "sending…" : synced}${refused}`, tone: "ok" };
}

const TONES = {
  ok: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  wait: "bg-amber-50 text-amber-900 ring-amber-200",
  bad: "bg-rose-50 text-rose-800 ring-rose-200",
} as const;
const DOTS = { ok: "bg-emerald-500", wait: "bg-amber-500", bad: "bg-rose-500" } as const;

/**
 * A being's outbox and its way to the master, in one line: "outbox 12 · synced 3 s ago",
 * "offline — 500 waiting", "outbox 40 · master unreachable, retry in 4 s". The last error is in
 * the tooltip; Retry now skips the wait.
 */
export function SyncIndicator({ sync, at, onRetry }: { sync: SyncStatus; at: number; onRetry?: (() => void) | undefined }) {
  const { text, tone } = describeSync(sync, at);
  return (
    <div className="flex min-w-0 items-center gap-2">
      <p
        data-testid="being-sync"
        data-state={sync.state}
        data-depth={sync.depth}
        data-refused={sync.refused}
        data-sent={sync.sent}
        data-last-sync={sync.lastSyncAt ?? ""}
        title={sync.lastError ?? undefined}
        className={`inline-flex min-w-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium tabular-nums ring-1 ring-inset ${TONES[tone]}`}
      >
        <span aria-hidden className={`size-1.5 shrink-0 rounded-full ${DOTS[tone]} ${sync.state === "sending" ? "animate-pulse" : ""}`} />
        <span className="truncate">{text}</span>
      </p>
      {onRetry && sync.state === "retrying" && (
        <button type="button" onClick={onRetry} data-testid="being-sync-retry" className="shrink-0 text-xs font-medium text-indigo-700 hover:underline">
          Retry now
        </button>
      )}
    </div>
  );
}

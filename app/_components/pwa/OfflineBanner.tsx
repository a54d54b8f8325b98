"use client";
import { useConnectivity } from "./connectivity";

/**
 * A strip under the top bar while the network or the master is away: what still works and what
 * happens to the beings' work. Nothing is shown while all is well.
 */
export function OfflineBanner() {
  const connectivity = useConnectivity();
  if (connectivity === "online") return null;
  const offline = connectivity === "offline";
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="offline-banner"
      data-state={connectivity}
      className={`sticky top-14 z-20 border-b px-4 py-2 text-sm ${offline ? "border-amber-200 bg-amber-50 text-amber-900" : "border-rose-200 bg-rose-50 text-rose-900"}`}
    >
      <p className="mx-auto flex max-w-6xl items-center gap-2 sm:px-2">
        <span aria-hidden className={`size-2 shrink-0 rounded-full ${offline ? "bg-amber-500" : "animate-pulse bg-rose-500"}`} />
        <span>
          <strong className="font-semibold">{offline ? "Offline." : "The master does not answer."}</strong>{" "}
          {offline
            ? "LuxOS runs from this device: your beings keep thinking and learning, and what they learn waits in their outboxes until the network returns."
            : "Your beings keep working; their outboxes fill and are sent, exactly once, as soon as it is back."}
        </span>
      </p>
    </div>
  );
}

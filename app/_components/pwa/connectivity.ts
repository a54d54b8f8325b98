"use client";
/**
 * The tab's view of the network: whether the browser is online, and whether the master answers
 * `/api/health`. One poller per tab, shared by every component through `useConnectivity`.
 */
import { useSyncExternalStore } from "react";

export type Connectivity = "online" | "offline" | "unreachable";

/** How often the master is asked while it answers, and while it does not (a restart is noticed within seconds). */
const HEALTHY_POLL_MS = 20_000;
const UNREACHABLE_POLL_MS = 4_000;
const HEALTH_TIMEOUT_MS = 5_000;

let state: Connectivity = "online";
let timer: ReturnType<typeof setTimeout> | undefined;
let checking = false;
const listeners = new Set<() => void>();

function set(next: Connectivity): void {
  if (next === state) return;
  state = next;
  for (const cb of listeners) cb();
}

async function check(): Promise<void> {
  clearTimeout(timer);
  if (!navigator.onLine) {
    set("offline");
    return;
  }
  if (checking) return;
  checking = true;
  const ok = await fetch("/api/health", { cache: "no-store", signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) }).then(
    (r) => r.ok,
    () => false,
  );
  checking = false;
  set(!navigator.onLine ? "offline" : ok ? "online" : "unreachable");
  if (listeners.size > 0 && navigator.onLine) timer = setTimeout(() => void check(), ok ? HEALTHY_POLL_MS : UNREACHABLE_POLL_MS);
}

const onOnline = () => void check();
const onOffline = () => {
  clearTimeout(timer);
  set("offline");
};

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  if (listeners.size === 1) {
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    void check();
  }
  return () => {
    listeners.delete(cb);
    if (listeners.size > 0) return;
    clearTimeout(timer);
    window.removeEventListener("online", onOnline);
    window.removeEventListener("offline", onOffline);
  };
}

/** `online`, `offline` (the browser has no network) or `unreachable` (the network is there, the master does not answer). */
export function useConnectivity(): Connectivity {
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => "online",
  );
}

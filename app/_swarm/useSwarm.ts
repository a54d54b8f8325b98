"use client";
import { useEffect, useState, useSyncExternalStore } from "react";
import { useTRPCClient } from "../_trpc/client";
import type { SwarmBeing, SwarmHost } from "./SwarmHost";
import { getSwarmHost } from "./swarmSingleton";

const NONE: readonly SwarmBeing[] = [];
const noop = () => () => {};

/**
 * The tab's swarm host (null while it starts), its beings, live, and `problem`: why being workers
 * cannot boot in this tab, or null.
 */
export function useSwarm(): { host: SwarmHost | null; beings: readonly SwarmBeing[]; error: unknown; problem: string | null } {
  const client = useTRPCClient();
  const [host, setHost] = useState<SwarmHost | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    getSwarmHost(client).then(
      (h) => live && setHost(h),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [client]);
  const beings = useSyncExternalStore(
    host ? (cb) => host.onChange(cb) : noop,
    () => host?.list() ?? NONE,
    () => NONE,
  );
  // NOTE: the host publishes a new list on every change, its boot problem included, so reading it here stays current.
  return { host, beings, error, problem: host?.problem() ?? null };
}

"use client";
import { useEffect, useState, useSyncExternalStore } from "react";
import { useTRPCClient } from "../_trpc/client";
import type { SwarmBeing, SwarmHost } from "./SwarmHost";
import { getSwarmHost } from "./swarmSingleton";

const NONE: readonly SwarmBeing[] = [];
const noop = () => () => {};

/** The tab's swarm host (null while it starts) and its beings, live. */
export function useSwarm(): { host: SwarmHost | null; beings: readonly SwarmBeing[]; error: unknown } {
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
  return { host, beings, error };
}

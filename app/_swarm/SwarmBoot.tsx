"use client";
import { useEffect } from "react";
import { getKernel } from "../_kernel/kernelSingleton";
import { useTRPCClient } from "../_trpc/client";
import { getSwarmHost } from "./swarmSingleton";
import { loadSwarmEntries } from "./swarmStorage";

/**
 * Starts the tab's swarm host on any page, so beings that were running come back after a reload
 * wherever the user lands. Mounted once in the root layout (inside the tRPC provider).
 *
 * NOTE: a browser that runs no being pays nothing: the host (and its spare worker) is made only
 * when the stored swarm has a being to run; the Swarm page makes it on demand otherwise.
 */
export function SwarmBoot() {
  const client = useTRPCClient();
  useEffect(() => {
    // NOTE: the kernel is two empty queues until something runs: making it on every page costs nothing and gives the page's runs a kernel.
    getKernel();
    if (loadSwarmEntries().some((entry) => entry.desired !== "stopped")) void getSwarmHost(client);
  }, [client]);
  return null;
}

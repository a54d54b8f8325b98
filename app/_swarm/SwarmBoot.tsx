"use client";
import { useEffect } from "react";
import { useTRPCClient } from "../_trpc/client";
import { getSwarmHost } from "./swarmSingleton";

/**
 * Starts the tab's swarm host on any page, so beings that were running come back after a reload
 * wherever the user lands. Mount once in the root layout (inside the tRPC provider).
 */
export function SwarmBoot() {
  const client = useTRPCClient();
  useEffect(() => {
    void getSwarmHost(client);
  }, [client]);
  return null;
}

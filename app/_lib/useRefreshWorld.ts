"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTRPC } from "../_trpc/client";

/** After a write: refetch every being, relationship and master query that is on screen. */
export function useRefreshWorld(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.beings.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.relationships.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.master.pathKey() }),
    ]);
  }, [queryClient, trpc]);
}

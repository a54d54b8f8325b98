"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_trpc/client";

/** Who this browser is at the server: `auth.me` (in LUXOS_AUTH=local, the owner, made on the first visit). */
export function useMe() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
}

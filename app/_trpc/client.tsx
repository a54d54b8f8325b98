"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useEffect, useState, type ReactNode } from "react";
import type { AppRouter } from "../../server/root";
import { onBranchSwitch } from "../_lib/currentBranch";
import { appLinks } from "./links";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function httpStatusOf(error: unknown): number {
  const data: unknown = error instanceof TRPCClientError ? error.data : undefined;
  const status = typeof data === "object" && data !== null && "httpStatus" in data ? data.httpStatus : undefined;
  return typeof status === "number" ? status : 0;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx answer will not change on a second try; a lost connection or a 5xx may.
        retry: (failures, error) => failures < 1 && !(httpStatusOf(error) >= 400 && httpStatusOf(error) < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** Wraps the app with TanStack Query and the typed tRPC client (plain JSON on the wire). */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: appLinks({ url: "/api/trpc" }),
    }),
  );
  // NOTE: query keys do not name the branch (the link adds it), so a switch drops every cached answer and refetches what is on screen.
  useEffect(() => onBranchSwitch(() => void queryClient.resetQueries()), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

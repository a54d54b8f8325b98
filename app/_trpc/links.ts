"use client";
import { httpBatchLink, httpLink, splitLink, type TRPCLink } from "@trpc/client";
import { MAX_BATCH_SIZE } from "../../lib/constants";
import type { AppRouter } from "../../server/root";
import { branchLink } from "./branchLink";

/**
 * Procedures that hold their answer back (long polls) travel alone: a batch answers only when its slowest
 * call does, so a tail batched with ordinary queries would hold them back for up to its whole wait.
 */
export const LONG_POLLS: ReadonlySet<string> = new Set(["timeline.tail"]);

/** The app's tRPC links: the current branch added where a call takes one, long polls alone, everything else batched. */
export function appLinks(options: { url: string; fetch?: typeof fetch }): TRPCLink<AppRouter>[] {
  const http = { url: options.url, ...(options.fetch && { fetch: options.fetch }) };
  return [
    branchLink,
    splitLink({
      condition: (op) => LONG_POLLS.has(op.path),
      true: httpLink(http),
      false: httpBatchLink({ ...http, maxItems: MAX_BATCH_SIZE }),
    }),
  ];
}

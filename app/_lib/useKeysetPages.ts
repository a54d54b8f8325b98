"use client";
import { keepPreviousData, useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import type { Page } from "../../lib/schemas";

/**
 * A keyset-paginated list (`{items, next_cursor}`), a page per "Load more".
 *
 * NOTE: tRPC's own infiniteQueryOptions adds a `direction` field to the input, which the
 * master's strict list schemas refuse; so pages are fetched here with the plain client,
 * under tRPC's infinite query key so `invalidateQueries(trpc.x.pathKey())` still reaches them.
 */
export function useKeysetPages<T>(queryKey: QueryKey, fetchPage: (cursor: string | null) => Promise<Page<T>>, { keepPrevious = false } = {}) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    ...(keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
}

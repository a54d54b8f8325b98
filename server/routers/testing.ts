import "../serverOnly";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { resetStore } from "../db/testing";
import { createCaller } from "../root";
import { createContext } from "../trpc";

/** Awaits a procedure call that must fail and answers its TRPCError (tests). */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** A caller of the whole API, as `useLocalCaller` hands it over. */
export type LocalCaller = ReturnType<typeof createCaller>;

/**
 * The usual set-up of a router test: a local-mode caller of the whole API over an in-memory PGlite store, opened before
 * the enclosing describe block's tests (handed to `use`), emptied before each test and closed after them.
 */
export function useLocalCaller(use: (store: MasterStore, api: LocalCaller) => void): void {
  let store: MasterStore | undefined;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    use(store, createCaller(createContext(store)));
  });
  afterAll(() => store?.close());
  beforeEach(async () => {
    if (store) await resetStore(store);
  });
}

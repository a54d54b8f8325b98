import "../serverOnly";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { CORE_BEINGS } from "../../lib/coreBeings";
import { testDatabaseUrl } from "../env";
import { openStore } from "./openStore";
import type { MasterStore } from "./store";

export interface TestBackend {
  name: "pglite" | "postgres";
  open(): Promise<MasterStore>;
  /** Removes what open() created (the PostgreSQL schema). */
  dispose(store: MasterStore): Promise<void>;
}

/**
 * The backends every store contract test runs against: in-memory PGlite always,
 * and a real PostgreSQL (one fresh schema per test file) when TEST_DATABASE_URL is set.
 */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: "pglite", open: () => openStore({ kind: "pglite" }), dispose: (s) => s.close() }];
  const url = testDatabaseUrl();
  if (url) {
    let schema = "";
    backends.push({
      name: "postgres",
      open: () => {
        schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
        return openStore({ kind: "postgres", url, schema, poolSize: 4 });
      },
      dispose: async (store) => {
        await store.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await store.close();
      },
    });
  }
  return backends;
}

/** Empties the world but for the core beings, and the event log and knowledge receipts. */
export async function resetStore(store: MasterStore): Promise<void> {
  await store.sql.exec("DELETE FROM events; DELETE FROM knowledge_receipts");
  await store.sql.exec("DELETE FROM relationships; DELETE FROM being_versions; DELETE FROM tiki_ledger; DELETE FROM tiki_budgets");
  await store.sql.query("DELETE FROM base_beings WHERE NOT (soul = ANY($1::uuid[]))", [CORE_BEINGS.map((b) => b.soul)]);
}

/**
 * The usual set-up of a store contract test: opens the backend's store before the enclosing describe block's
 * tests (handing it to `use`), empties it before each test, and closes it after them.
 *
 * @example
 * let store: MasterStore;
 * useFreshStore(backend, (opened) => (store = opened));
 */
export function useFreshStore(backend: TestBackend, use: (store: MasterStore) => void): void {
  let store: MasterStore | undefined;
  beforeAll(async () => {
    store = await backend.open();
    use(store);
  });
  afterAll(async () => {
    if (store) await backend.dispose(store);
  });
  beforeEach(async () => {
    if (store) await resetStore(store);
  });
}

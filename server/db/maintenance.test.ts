import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORE_BEINGS } from "../../lib/coreBeings";
import { beingCreateSchema } from "../../lib/schemas";
import { openStore } from "./openStore";
import type { MasterStore } from "./store";

// PGlite has no autovacuum: without this the planner has no statistics and picks slow plans.
describe("store maintenance on PGlite", () => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
  });
  afterAll(() => store.close());

  const reltuples = async () =>
    Object.fromEntries(
      (
        await store.sql.query<{ relname: string; n: number }>(
          "SELECT relname, reltuples::int AS n FROM pg_class WHERE relname IN ('base_beings','relationships')",
        )
      ).map((r) => [r.relname, r.n]),
    );

  it("analyzes a world that never was on open", async () => {
    expect(await reltuples()).toEqual({ base_beings: CORE_BEINGS.length, relationships: 0 });
  });

  it("refreshes statistics after a bulk load, so the planner knows the tags", async () => {
    await store.beings.createMany(
      Array.from({ length: 1_500 }, (_, i) => beingCreateSchema.parse({ genesis: { name: `b${i}` }, tags: [i % 2 ? "odd" : "even"] })),
    );
    await store.maintain();
    expect((await reltuples())["base_beings"]).toBe(1_500 + CORE_BEINGS.length);
    const stats = await store.sql.query<{ attname: string }>("SELECT attname FROM pg_stats WHERE tablename = 'base_beings' AND attname = 'tags'");
    expect(stats).toHaveLength(1);
  });

  it("leaves small writes alone", async () => {
    await store.beings.create(beingCreateSchema.parse({ genesis: { name: "one more" } }));
    await store.maintain();
    expect((await reltuples())["base_beings"]).toBe(1_500 + CORE_BEINGS.length);
  });
});

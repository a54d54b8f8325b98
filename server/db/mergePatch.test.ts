import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMergePatch } from "../../lib/jsonMergePatch";
import { randomObject } from "../../lib/randomJson";
import { createRandom } from "../../lib/random";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";

// The SQL function that patches rows in place must agree with the TypeScript one the UI uses.
describe.each(testBackends())("luxos_merge_patch on $name agrees with applyMergePatch", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await backend.dispose(store);
  });

  it("on 300 seeded random documents and patches", async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = createRandom(seed);
      const target = randomObject(rng, 3, false);
      const patch = randomObject(rng, 3, true);
      const [row] = await store.sql.query<{ result: unknown }>("SELECT luxos_merge_patch($1::jsonb, $2::jsonb) AS result", [
        JSON.stringify(target),
        JSON.stringify(patch),
      ]);
      expect(row!.result, `seed ${seed}: ${JSON.stringify({ target, patch })}`).toEqual(applyMergePatch(target, patch));
    }
  });
});

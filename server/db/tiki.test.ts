import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";

describe.each(testBackends())("Tiki budgets on $name", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => backend.dispose(store));

  const task = () => `task-${crypto.randomUUID()}`;

  it("records who set a task's budget first, and lets only them change it (or the server's owner)", async () => {
    const ada = await store.identity.createPerson({ name: "Ada", serverOwner: false });
    const cy = await store.identity.createPerson({ name: "Cy", serverOwner: false });
    const t = task();
    expect(await store.tiki.setBudget({ task: t, branch: "main", budget: 100 }, { person: ada.soul, override: false })).toMatchObject({
      task: t,
      owner: ada.soul,
      budget: 100,
      remaining: 100,
    });
    await expect(store.tiki.setBudget({ task: t, branch: "main", budget: 5 }, { person: cy.soul, override: false })).rejects.toThrow(
      /has a budget someone else set, so it was not changed/,
    );
    expect((await store.tiki.budget(t))?.budget).toBe(100);
    expect((await store.tiki.setBudget({ task: t, branch: "main", budget: 80 }, { person: ada.soul, override: false })).budget).toBe(80);
    // The server's owner may change it; the budget stays Ada's.
    expect(await store.tiki.setBudget({ task: t, branch: "main", budget: 60 }, { person: cy.soul, override: true })).toMatchObject({
      budget: 60,
      owner: ada.soul,
    });
  });

  it("keeps a budget the master set for the server's owner, and hands a removed person's budgets to them", async () => {
    const t = task();
    expect((await store.tiki.setBudget({ task: t, branch: "main", budget: 10 }, { person: null, override: false })).owner).toBeNull();
    const eve = await store.identity.createPerson({ name: "Eve", serverOwner: false });
    await expect(store.tiki.setBudget({ task: t, branch: "main", budget: 99 }, { person: eve.soul, override: false })).rejects.toThrow(/someone else/);
    const u = task();
    await store.tiki.setBudget({ task: u, branch: "main", budget: 10 }, { person: eve.soul, override: false });
    await store.sql.query("DELETE FROM people WHERE soul = $1", [eve.soul]);
    expect((await store.tiki.budget(u))?.owner).toBeNull();
  });

  it("names the beings that spent under a task, once each", async () => {
    const t = task();
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await store.tiki.record([
      { branch: "main", being: a, task: t, kind: "lux", tiki: 1 },
      { branch: "main", being: a, task: t, kind: "lux", tiki: 2 },
      { branch: "main", being: b, task: t, kind: "mind", tiki: 3 },
      { branch: "main", task: t, kind: "master", tiki: 4 },
      { branch: "main", being: crypto.randomUUID(), task: "other", kind: "lux", tiki: 5 },
    ]);
    expect((await store.tiki.taskBeings(t, 10)).sort()).toEqual([a, b].sort());
    expect(await store.tiki.taskBeings(t, 1)).toHaveLength(1);
  });
});

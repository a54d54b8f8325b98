import { CORE_BEINGS } from "../../lib/coreBeings";
import { describe, expect, it } from "vitest";
import { branchForkSchema, branchMergeSchema, type BranchForkInput, type BranchMergeInput } from "../../lib/branches/schemas";
import { beingCreateSchema, beingListSchema, beingUpdateSchema, relationshipCreateSchema, type BeingCreateInput, type BeingListInput } from "../../lib/schemas";
import type { MasterStore } from "./store";
import { testBackends, useFreshStore } from "./testing";

describe.each(testBackends())("branches contract on $name", (backend) => {
  let store: MasterStore;
  useFreshStore(backend, (opened) => (store = opened));

  const being = (input: BeingCreateInput) => store.beings.create(beingCreateSchema.parse(input));
  const fork = (input: BranchForkInput) => store.branches.fork(branchForkSchema.parse(input), null);
  const merge = (input: BranchMergeInput) => store.branches.merge(branchMergeSchema.parse(input));
  const update = (soul: string, patch: Record<string, unknown>, branch?: string) =>
    store.beings.update(beingUpdateSchema.parse({ soul, ...patch, ...(branch ? { branch } : {}) }));
  const list = (input: BeingListInput = {}) => store.beings.list(beingListSchema.parse({ limit: 200, ...input }));
  const names = async (input: BeingListInput = {}) =>
    (await list(input)).items
      .map((b) => (typeof b.genesis["name"] === "string" ? b.genesis["name"] : b.soul))
      .filter((n) => !CORE_BEINGS.some((core) => core.name === n))
      .sort();
  const rowCounts = async () =>
    (
      await store.sql.query<{ beings: number; versions: number }>(
        "SELECT (SELECT count(*)::int FROM base_beings) AS beings, (SELECT count(*)::int FROM being_versions) AS versions",
      )
    )[0]!;

  it("forks by writing one row, whatever the size of the world", async () => {
    await store.beings.createMany(Array.from({ length: 300 }, (_, i) => beingCreateSchema.parse({ genesis: { name: `b${i}` } })));
    const before = await rowCounts();
    const branch = await fork({ name: "experiment" });
    expect(await rowCounts()).toEqual({ beings: before.beings + 1, versions: 0 });
    expect(branch).toMatchObject({ name: "experiment", parent: "main", isolation: "read-through", status: "open", visible: [branch.id, "main"] });
    expect((await store.branches.tree()).map((b) => b.name)).toEqual(["main", "experiment"]);
  });

  it("changes a being in a branch by a copy-on-write version; main keeps its row", async () => {
    const ada = await being({ genesis: { name: "Ada" }, attributes: { mood: "calm" } });
    const { id } = await fork({ name: "what-if" });
    const changed = await update(ada.soul, { attributes: { mood: "bold" }, tags: ["brave"] }, id);
    expect(changed.attributes).toEqual({ mood: "bold" });
    expect(changed.branches).toEqual([id]);
    expect((await store.beings.get(ada.soul)).attributes).toEqual({ mood: "calm" });
    expect((await store.beings.get(ada.soul, id)).attributes).toEqual({ mood: "bold" });
    // A second change in the branch rewrites the branch's own version, not main's row.
    await update(ada.soul, { energy_level: 7 }, id);
    expect(await rowCounts()).toMatchObject({ versions: 1 });
    expect((await store.beings.get(ada.soul, id)).energy_level).toBe(7);
    expect((await store.beings.get(ada.soul)).energy_level).toBe(0);
    // Lists see the newest version per soul, filters included.
    expect((await list({ branch: id, tags_all: ["brave"] })).items.map((b) => b.soul)).toEqual([ada.soul]);
    expect((await list({ branch: id, attributes: { mood: "calm" } })).items).toEqual([]);
    expect((await list({ attributes: { mood: "calm" } })).items.map((b) => b.soul)).toEqual([ada.soul]);
  });

  it("keeps beings created or deleted in a branch out of main", async () => {
    const ada = await being({ genesis: { name: "Ada" } });
    const { id } = await fork({ name: "what-if" });
    const bob = await being({ genesis: { name: "Bob" }, branch: id });
    expect(bob.branches).toEqual([id]);
    await store.beings.delete(ada.soul, id);
    expect(await names({ branch: id })).toEqual(["Bob", "what-if"]);
    expect(await names()).toEqual(["Ada", "what-if"]);
    await expect(store.beings.get(bob.soul)).rejects.toThrow(/does not exist/);
    await expect(store.beings.get(ada.soul, id)).rejects.toThrow(/does not exist/);
    await expect(update(ada.soul, { energy_level: 1 }, id)).rejects.toThrow(/does not exist/);
  });

  it("isolates: an isolated branch sees its own rows only; a subscriber sees the branches it names", async () => {
    await being({ genesis: { name: "Ada" } });
    const lab = await fork({ name: "lab", isolation: "isolated" });
    await being({ genesis: { name: "Lab rat" }, branch: lab.id });
    expect(await names({ branch: lab.id })).toEqual(["Lab rat"]);
    const watcher = await fork({ name: "watcher", isolation: "subscribe", subscribe: [lab.id] });
    expect(await names({ branch: watcher.id })).toEqual(["Lab rat"]);
    const nested = await fork({ name: "nested", parent: lab.id });
    expect(await names({ branch: nested.id })).toEqual(["Lab rat"]);
  });

  it("merges deep: changes, new beings (retagged, not copied), deletions and relationships reach main; the branch closes", async () => {
    const [ada, bob] = [await being({ genesis: { name: "Ada" } }), await being({ genesis: { name: "Bob" } })];
    const { id } = await fork({ name: "experiment" });
    await update(ada.soul, { attributes: { learned: 3 } }, id);
    await store.beings.delete(bob.soul, id);
    const cy = await being({ genesis: { name: "Cy" }, branch: id });
    await store.relationships.create(relationshipCreateSchema.parse({ source_soul: cy.soul, target_soul: ada.soul, tags: ["knows"], branch: id }));

    const preview = await store.branches.preview(id);
    expect(preview.conflicts).toBe(0);
    expect(preview.items.map((i) => [i.name, i.change]).sort()).toEqual([
      ["Ada", "changed"],
      ["Bob", "deleted"],
      ["Cy", "created"],
    ]);
    expect(await names()).toEqual(["Ada", "Bob", "experiment"]);

    const result = await merge({ branch: id });
    expect(result).toMatchObject({ status: "merged", applied: 1, created: 1, deleted: 1 });
    expect(await names()).toEqual(["Ada", "Cy", "experiment"]);
    expect((await store.beings.get(ada.soul)).attributes).toEqual({ learned: 3 });
    expect((await store.beings.get(cy.soul)).branches).toEqual(["main"]);
    expect((await store.relationships.list({ source_soul: cy.soul, limit: 10 } as never)).items.map((r) => r.branches)).toEqual([["main"]]);
    expect(await rowCounts()).toMatchObject({ versions: 0 });
    expect((await store.branches.get(id)).status).toBe("merged");
    await expect(being({ genesis: { name: "late" }, branch: id })).rejects.toThrow(/is merged and takes no more writes/);
  });

  it("reports a conflict with both versions and merges nothing until the person resolves it", async () => {
    const ada = await being({ genesis: { name: "Ada" }, attributes: { v: 0 } });
    const bob = await being({ genesis: { name: "Bob" }, attributes: { v: 0 } });
    const { id } = await fork({ name: "experiment" });
    await update(ada.soul, { attributes: { v: "branch" } }, id);
    await update(bob.soul, { attributes: { v: "branch" } }, id);
    await update(ada.soul, { attributes: { v: "main" } });

    const result = await merge({ branch: id });
    expect(result.status).toBe("conflicts");
    if (result.status !== "conflicts") return;
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toMatchObject({ soul: ada.soul, ours: { attributes: { v: "main" } }, theirs: { attributes: { v: "branch" } } });
    // Nothing moved: Bob's clean change waits with the conflict.
    expect((await store.beings.get(bob.soul)).attributes).toEqual({ v: 0 });

    const edited = { tags: ["merged"], energy_level: 5, genesis: { name: "Ada" }, attributes: { v: "both" }, memories: {}, self_awareness: {} };
    expect(await merge({ branch: id, resolutions: { [ada.soul]: { edited } } })).toMatchObject({ status: "merged", applied: 2 });
    expect(await store.beings.get(ada.soul)).toMatchObject({ tags: ["merged"], energy_level: 5, attributes: { v: "both" } });
    expect((await store.beings.get(bob.soul)).attributes).toEqual({ v: "branch" });
  });

  it("resolves with ours or theirs, and sees a deletion against a change as a conflict", async () => {
    const ada = await being({ genesis: { name: "Ada" }, attributes: { v: 0 } });
    const bob = await being({ genesis: { name: "Bob" }, attributes: { v: 0 } });
    const { id } = await fork({ name: "experiment" });
    await update(ada.soul, { attributes: { v: "branch" } }, id);
    await store.beings.delete(bob.soul, id);
    await update(ada.soul, { attributes: { v: "main" } });
    await update(bob.soul, { attributes: { v: "main" } });
    const preview = await store.branches.preview(id);
    expect(
      preview.items
        .filter((i) => i.conflict)
        .map((i) => i.name)
        .sort(),
    ).toEqual(["Ada", "Bob"]);
    expect(await merge({ branch: id, resolutions: { [ada.soul]: "ours", [bob.soul]: "theirs" } })).toMatchObject({
      status: "merged",
      kept_ours: 1,
      deleted: 1,
    });
    expect((await store.beings.get(ada.soul)).attributes).toEqual({ v: "main" });
    await expect(store.beings.get(bob.soul)).rejects.toThrow(/does not exist/);
  });

  it("merges shallow: only the outputs that passed their KPIs, and the branch stays open", async () => {
    const { id } = await fork({ name: "fan-out" });
    const good = await being({ genesis: { name: "good answer" }, tags: ["output"], attributes: { kpi: { passed: true } }, branch: id });
    await being({ genesis: { name: "bad answer" }, tags: ["output"], attributes: { kpi: { passed: false } }, branch: id });
    await being({ genesis: { name: "scratch" }, branch: id });
    expect(await merge({ branch: id, mode: "shallow" })).toMatchObject({ status: "merged", created: 1 });
    expect(await names()).toEqual(["fan-out", "good answer"]);
    expect((await store.beings.get(good.soul)).branches).toEqual(["main"]);
    expect((await store.branches.get(id)).status).toBe("open");
    await expect(merge({ branch: id, mode: "shallow", souls: [good.soul] })).rejects.toThrow(/has no change in this branch/);
  });

  it("merges a nested branch into its parent branch, not into main", async () => {
    const ada = await being({ genesis: { name: "Ada" }, attributes: { v: 0 } });
    const parent = await fork({ name: "parent" });
    const child = await fork({ name: "child", parent: parent.id });
    await update(ada.soul, { attributes: { v: "child" } }, child.id);
    expect(await merge({ branch: child.id })).toMatchObject({ status: "merged", into: parent.id, applied: 1 });
    expect((await store.beings.get(ada.soul, parent.id)).attributes).toEqual({ v: "child" });
    expect((await store.beings.get(ada.soul)).attributes).toEqual({ v: 0 });
    expect(await merge({ branch: parent.id })).toMatchObject({ status: "merged", into: "main", applied: 1 });
    expect((await store.beings.get(ada.soul)).attributes).toEqual({ v: "child" });
  });

  it("drops a branch: its rows go, main stays, the tree remembers it", async () => {
    const ada = await being({ genesis: { name: "Ada" } });
    const { id } = await fork({ name: "dead end" });
    const child = await fork({ name: "child", parent: id });
    await update(ada.soul, { energy_level: 9 }, id);
    await being({ genesis: { name: "temp" }, branch: id });
    await expect(store.branches.drop(id)).rejects.toThrow(/has open branches \(child\)/);
    await store.branches.drop(child.id);
    const dropped = await store.branches.drop(id);
    expect(dropped.status).toBe("dropped");
    expect(await rowCounts()).toMatchObject({ versions: 0 });
    expect(await names()).toEqual(["Ada", "child", "dead end"]);
    expect((await store.beings.get(ada.soul)).energy_level).toBe(0);
    await expect(fork({ name: "again", parent: id })).rejects.toThrow(/was dropped/);
  });

  it("archives a branch read-only", async () => {
    const { id } = await fork({ name: "keep" });
    await being({ genesis: { name: "kept" }, branch: id });
    await store.branches.archive(id);
    expect(await names({ branch: id })).toContain("kept");
    await expect(being({ genesis: { name: "more" }, branch: id })).rejects.toThrow(/is archived/);
  });

  it("refuses unknown branches with a sentence that says what to do", async () => {
    await expect(names({ branch: crypto.randomUUID() })).rejects.toThrow(/fork one with branches.fork/);
  });

  it("counts each branch's figures side by side", async () => {
    const ada = await being({ genesis: { name: "Ada" } });
    const { id } = await fork({ name: "experiment", budget: 1000 });
    await update(ada.soul, { energy_level: 1 }, id);
    const fresh = await being({ genesis: { name: "new" }, branch: id });
    await store.relationships.create(relationshipCreateSchema.parse({ source_soul: fresh.soul, target_soul: ada.soul, branch: id }));
    await store.tiki.record([
      { branch: id, kind: "lux", tiki: 40, task: "run-1" },
      { branch: id, kind: "reasoner", provider: "deterministic", tiki: 2, ok: false, task: "run-1" },
      { branch: "main", kind: "lux", tiki: 10 },
    ]);
    const [main, branch] = await store.branches.kpis(["main", id]);
    expect(main).toMatchObject({ tiki_spent: 10, success_rate: 1, changed: 0 });
    expect(branch).toMatchObject({ changed: 1, created: 1, relationships_changed: 1, tiki_spent: 42, success_rate: 0.5, runs: 1 });
  });
});

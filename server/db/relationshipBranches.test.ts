import { describe, expect, it } from "vitest";
import { branchForkSchema, branchMergeSchema, type BranchMergeInput } from "../../lib/branches/schemas";
import {
  beingCreateSchema,
  relationshipCreateSchema,
  relationshipListSchema,
  relationshipUpdateSchema,
  type RelationshipCreateInput,
  type RelationshipListInput,
  type RelationshipUpdateInput,
} from "../../lib/schemas";
import type { MasterStore } from "./store";
import { testBackends, useFreshStore } from "./testing";

describe.each(testBackends())("relationships in branches on $name", (backend) => {
  let store: MasterStore;
  useFreshStore(backend, (opened) => (store = opened));

  const being = async (name: string, branch?: string) =>
    (await store.beings.create(beingCreateSchema.parse({ genesis: { name }, ...(branch ? { branch } : {}) }))).soul;
  const fork = async (name = "what-if") => (await store.branches.fork(branchForkSchema.parse({ name }), null)).id;
  const relate = (input: RelationshipCreateInput) => store.relationships.create(relationshipCreateSchema.parse(input));
  const change = (input: RelationshipUpdateInput) => store.relationships.update(relationshipUpdateSchema.parse(input));
  const merge = (input: BranchMergeInput) => store.branches.merge(branchMergeSchema.parse(input));
  const list = async (input: RelationshipListInput = {}) => (await store.relationships.list(relationshipListSchema.parse({ limit: 100, ...input }))).items;
  /** id → attributes.v of every relationship the branch sees. */
  const seen = async (branch = "main") => Object.fromEntries((await list({ branch })).map((r) => [r.id, r.attributes["v"] ?? null]));
  const rowCount = async () => (await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM relationships"))[0]!.n;

  it("creates a relationship in a branch tagged with the branch alone, to a being born there; main never sees it", async () => {
    const ada = await being("Ada");
    const id = await fork();
    const cy = await being("Cy", id);
    const rel = await relate({ source_soul: ada, target_soul: cy, tags: ["knows"], branch: id });
    expect(rel.branches).toEqual([id]);
    expect(await store.relationships.get(rel.id, id)).toEqual(rel);
    await expect(store.relationships.get(rel.id)).rejects.toMatchObject({ reason: "NOT_FOUND" });
    expect(await list()).toEqual([]);
    expect((await list({ branch: id })).map((r) => r.id)).toEqual([rel.id]);
    expect((await store.relationships.neighbors({ soul: ada, depth: 1, direction: "both" })).nodes).toEqual([]);
    expect((await store.relationships.neighbors({ soul: ada, depth: 1, direction: "both", branch: id })).nodes.map((n) => n.name)).toEqual(["Cy"]);
    // main cannot point at a being that lives only in the branch.
    await expect(relate({ source_soul: ada, target_soul: cy })).rejects.toMatchObject({ reason: "MISSING_ENDPOINT" });
    await expect(relate({ source_soul: ada, target_soul: cy, branch: id, branches: ["main"] })).rejects.toMatchObject({ reason: "INVALID" });
  });

  it("changes and deletes in a branch by copy-on-write versions; main's rows stay as they were", async () => {
    const [ada, bob, cy] = [await being("Ada"), await being("Bob"), await being("Cy")];
    const ab = await relate({ source_soul: ada, target_soul: bob, attributes: { v: 1 } });
    const bc = await relate({ source_soul: bob, target_soul: cy, attributes: { v: 1 } });
    const id = await fork();
    const before = await rowCount();

    const changed = await change({ id: ab.id, attributes: { v: 2 }, tags: ["close"], branch: id });
    expect(changed).toMatchObject({ id: ab.id, tags: ["close"], attributes: { v: 2 }, branches: [id] });
    await change({ id: ab.id, energy_level: 5, branch: id });
    await store.relationships.delete(bc.id, id);
    // One version per changed relationship (the second change rewrote the branch's own), one tombstone.
    expect(await rowCount()).toBe(before + 2);

    expect(await store.relationships.get(ab.id)).toEqual(ab);
    expect(await seen()).toEqual({ [ab.id]: 1, [bc.id]: 1 });
    expect(await seen(id)).toEqual({ [ab.id]: 2 });
    expect(await store.relationships.get(ab.id, id)).toMatchObject({ energy_level: 5, attributes: { v: 2 } });
    await expect(store.relationships.get(bc.id, id)).rejects.toMatchObject({ reason: "NOT_FOUND" });
    await expect(store.relationships.delete(bc.id, id)).rejects.toMatchObject({ reason: "NOT_FOUND" });
    expect((await store.relationships.path({ from: ada, to: cy, max_depth: 6, direction: "out" })).souls).toEqual([ada, bob, cy]);
    expect((await store.relationships.path({ from: ada, to: cy, max_depth: 6, direction: "out", branch: id })).found).toBe(false);
    const hood = await store.relationships.neighbors({ soul: bob, depth: 1, direction: "both", branch: id });
    expect(hood.edges.map((e) => [e.id, e.attributes["v"]])).toEqual([[ab.id, 2]]);
    // Filters see the branch's version, not main's row behind it.
    expect((await list({ branch: id, tags_any: ["close"] })).map((r) => r.id)).toEqual([ab.id]);
    expect(await list({ tags_any: ["close"] })).toEqual([]);
  });

  it("pages a branch's relationships newest first, each once, its versions in place of main's rows", async () => {
    const [ada, bob] = [await being("Ada"), await being("Bob")];
    const main = [];
    for (let i = 0; i < 5; i++) main.push(await relate({ source_soul: ada, target_soul: bob, attributes: { v: i } }));
    const id = await fork();
    await change({ id: main[1]!.id, attributes: { v: 11 }, branch: id });
    await change({ id: main[3]!.id, attributes: { v: 13 }, branch: id });
    await store.relationships.delete(main[4]!.id, id);
    const fresh = [await relate({ source_soul: bob, target_soul: ada, attributes: { v: 5 }, branch: id })];
    const pages: (string | number | null)[][] = [];
    let cursor: string | null = null;
    do {
      const page = await store.relationships.list(relationshipListSchema.parse({ branch: id, limit: 2, cursor }));
      pages.push(page.items.map((r) => r.attributes["v"] as number));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages.flat()).toEqual([5, 13, 2, 11, 0]);
    expect((await list({ branch: id, source_soul: bob })).map((r) => r.id)).toEqual(fresh.map((r) => r.id));
  });

  it("hides a deleted being's relationships in the branch only", async () => {
    const [ada, bob, cy] = [await being("Ada"), await being("Bob"), await being("Cy")];
    const ab = await relate({ source_soul: ada, target_soul: bob });
    const bc = await relate({ source_soul: bob, target_soul: cy });
    const id = await fork();
    await store.beings.delete(bob, id);
    expect(await list({ branch: id })).toEqual([]);
    await expect(store.relationships.get(ab.id, id)).rejects.toMatchObject({ reason: "NOT_FOUND" });
    expect((await store.relationships.neighbors({ soul: ada, depth: 2, direction: "both", branch: id })).edges).toEqual([]);
    expect((await store.relationships.path({ from: ada, to: cy, max_depth: 6, direction: "out", branch: id })).found).toBe(false);
    expect((await list()).map((r) => r.id).sort()).toEqual([ab.id, bc.id].sort());
    await expect(relate({ source_soul: ada, target_soul: bob, branch: id })).rejects.toMatchObject({ reason: "MISSING_ENDPOINT" });
  });

  it("merges deep: created, changed and deleted relationships reach main; no branch row is left", async () => {
    const [ada, bob, cy] = [await being("Ada"), await being("Bob"), await being("Cy")];
    const ab = await relate({ source_soul: ada, target_soul: bob, attributes: { v: 1 } });
    const bc = await relate({ source_soul: bob, target_soul: cy, attributes: { v: 1 } });
    const id = await fork();
    const dee = await being("Dee", id);
    const cd = await relate({ source_soul: cy, target_soul: dee, attributes: { v: 9 }, branch: id });
    await change({ id: ab.id, attributes: { v: 2 }, branch: id });
    await store.relationships.delete(bc.id, id);

    const preview = await store.branches.preview(id);
    expect(preview.relationship_conflicts).toBe(0);
    expect(preview.relationships.map((r) => [r.id, r.change]).sort()).toEqual(
      [
        [ab.id, "changed"],
        [bc.id, "deleted"],
        [cd.id, "created"],
      ].sort(),
    );
    expect(await seen()).toEqual({ [ab.id]: 1, [bc.id]: 1 });

    const result = await merge({ branch: id });
    expect(result).toMatchObject({ status: "merged", relationships: { applied: 1, created: 1, deleted: 1, kept_ours: 0 } });
    expect(await seen()).toEqual({ [ab.id]: 2, [cd.id]: 9 });
    expect((await store.relationships.get(cd.id)).branches).toEqual(["main"]);
    expect((await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM relationships WHERE version_of IS NOT NULL"))[0]!.n).toBe(0);
  });

  it("reports a relationship changed on both sides with both versions, and merges as the person resolves it", async () => {
    const [ada, bob] = [await being("Ada"), await being("Bob")];
    const ab = await relate({ source_soul: ada, target_soul: bob, attributes: { v: 0 } });
    const ba = await relate({ source_soul: bob, target_soul: ada, attributes: { v: 0 } });
    const id = await fork();
    await change({ id: ab.id, attributes: { v: "branch" }, branch: id });
    await change({ id: ba.id, attributes: { v: "branch" }, branch: id });
    await change({ id: ab.id, attributes: { v: "main" } });
    // main deleted the other one meanwhile: deleted on one side, changed on the other.
    await store.relationships.delete(ba.id);

    const preview = await store.branches.preview(id);
    expect(preview.relationship_conflicts).toBe(2);
    const conflict = preview.relationships.find((r) => r.id === ab.id)!;
    expect(conflict).toMatchObject({ conflict: true, ours: { attributes: { v: "main" } }, theirs: { attributes: { v: "branch" } } });
    expect(preview.relationships.find((r) => r.id === ba.id)).toMatchObject({ conflict: true, ours: null, theirs: { attributes: { v: "branch" } } });

    const refused = await merge({ branch: id });
    expect(refused).toMatchObject({ status: "conflicts", conflicts: [] });
    expect(refused.status === "conflicts" && refused.relationship_conflicts.map((r) => r.id).sort()).toEqual([ab.id, ba.id].sort());
    expect(await seen()).toEqual({ [ab.id]: "main" });

    const edited = { tags: ["settled"], energy_level: 3, genesis: {}, attributes: { v: "both" } };
    const result = await merge({ branch: id, relationship_resolutions: { [ab.id]: { edited }, [ba.id]: "theirs" } });
    expect(result).toMatchObject({ status: "merged", relationships: { applied: 2, kept_ours: 0 } });
    expect(await store.relationships.get(ab.id)).toMatchObject({ tags: ["settled"], energy_level: 3, attributes: { v: "both" } });
    // The relationship main deleted comes back under its id.
    expect(await store.relationships.get(ba.id)).toMatchObject({ source_soul: bob, target_soul: ada, attributes: { v: "branch" }, branches: ["main"] });
  });

  it("keeps the parent's version when the person says ours", async () => {
    const [ada, bob] = [await being("Ada"), await being("Bob")];
    const ab = await relate({ source_soul: ada, target_soul: bob, attributes: { v: 0 } });
    const id = await fork();
    await store.relationships.delete(ab.id, id);
    await change({ id: ab.id, attributes: { v: "main" } });
    expect((await store.branches.preview(id)).relationships).toMatchObject([{ id: ab.id, change: "deleted", conflict: true, theirs: null }]);
    expect(await merge({ branch: id, relationship_resolutions: { [ab.id]: "ours" } })).toMatchObject({ relationships: { kept_ours: 1, deleted: 0 } });
    expect(await seen()).toEqual({ [ab.id]: "main" });
  });

  it("merges shallow: only the relationships of the chosen beings", async () => {
    const [ada, bob] = [await being("Ada"), await being("Bob")];
    const ab = await relate({ source_soul: ada, target_soul: bob, attributes: { v: 0 } });
    const id = await fork();
    const out = await being("Output", id);
    const taken = await relate({ source_soul: out, target_soul: ada, attributes: { v: 1 }, branch: id });
    const left = await relate({ source_soul: bob, target_soul: ada, attributes: { v: 1 }, branch: id });
    await change({ id: ab.id, attributes: { v: 1 }, branch: id });
    const result = await merge({ branch: id, mode: "shallow", souls: [out] });
    expect(result).toMatchObject({ status: "merged", created: 1, relationships: { created: 1, applied: 0 } });
    expect(await seen()).toEqual({ [ab.id]: 0, [taken.id]: 1 });
    // What the shallow merge did not take stays in the branch.
    expect(await seen(id)).toEqual({ [ab.id]: 1, [taken.id]: 1, [left.id]: 1 });
  });

  it("drops every relationship row the branch wrote, versions included", async () => {
    const [ada, bob] = [await being("Ada"), await being("Bob")];
    const ab = await relate({ source_soul: ada, target_soul: bob });
    const before = await rowCount();
    const id = await fork();
    await change({ id: ab.id, attributes: { v: 1 }, branch: id });
    await relate({ source_soul: bob, target_soul: ada, branch: id });
    expect(await rowCount()).toBe(before + 2);
    await store.branches.drop(id);
    expect(await rowCount()).toBe(before);
    expect(await store.relationships.get(ab.id)).toEqual(ab);
  });

  it("sees a read-through parent's relationship changes in a child branch, and merges the child into the parent", async () => {
    const [ada, bob] = [await being("Ada"), await being("Bob")];
    const ab = await relate({ source_soul: ada, target_soul: bob, attributes: { v: 0 } });
    const parent = await fork("parent");
    await change({ id: ab.id, attributes: { v: "parent" }, branch: parent });
    const child = (await store.branches.fork(branchForkSchema.parse({ name: "child", parent }), null)).id;
    expect(await seen(child)).toEqual({ [ab.id]: "parent" });
    await change({ id: ab.id, attributes: { v: "child" }, branch: child });
    expect(await seen(parent)).toEqual({ [ab.id]: "parent" });
    expect(await merge({ branch: child })).toMatchObject({ status: "merged", into: parent, relationships: { applied: 1 } });
    expect(await seen(parent)).toEqual({ [ab.id]: "child" });
    expect(await seen()).toEqual({ [ab.id]: 0 });
  });
});

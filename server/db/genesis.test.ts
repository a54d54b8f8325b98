import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { coreSoul } from "../../lib/coreBeings";
import { SNAPSHOT_EVERY } from "../../lib/genesis";
import { genesisCreateSchema, genesisEvolveSchema, type GenesisCreateInput, type GenesisEvolveInput } from "../../lib/genesis/wire";
import { beingUpdateSchema, relationshipListSchema } from "../../lib/schemas";
import { MUTATED_FROM } from "./genesis";
import type { MasterStore } from "./store";
import { resetStore, testBackends } from "./testing";

const F = "def function(x):\n    return x\n";

describe.each(testBackends())("genesis store contract on $name", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => backend.dispose(store));
  beforeEach(() => resetStore(store));

  const create = (input: GenesisCreateInput) => store.genesis.create(genesisCreateSchema.parse(input));
  const evolve = (input: GenesisEvolveInput) => store.genesis.evolve(genesisEvolveSchema.parse(input));

  it("creates a function being as version 1, descending from FunctionBeing", async () => {
    const b = await create({ name: "identity", source: F, attributes: { x: 1 } });
    expect(b.genesis).toMatchObject({ name: "identity", type: "function", language: "python", source: F, version: 1 });
    expect(b.genesis.ancestors).toEqual([coreSoul("BaseBeing"), coreSoul("FunctionBeing")]);
    expect(b.history).toMatchObject([{ version: 1, stored: "snapshot" }]);
    expect((await store.genesis.reconstruct(b.soul, 1)).source).toBe(F);
  });

  it("evolves in place and rebuilds every version exactly, across snapshots", async () => {
    const start = "a = 0\nb = 1\nc = 2\nd = 3\n";
    const b = await create({ name: "grows", source: start });
    const texts = [start];
    for (let i = 1; i < SNAPSHOT_EVERY + 3; i++) {
      // one line added to four or more: always an evolution
      const next = `${texts.at(-1)!}y${i} = ${i}\n`;
      const r = await evolve({ soul: b.soul, source: next, message: `step ${i}` });
      expect(r).toMatchObject({ kind: "evolution", soul: b.soul, version: i + 1 });
      texts.push(next);
    }
    const g = await store.genesis.get(b.soul);
    expect(g.genesis.version).toBe(texts.length);
    expect(g.history.filter((h) => h.stored === "snapshot").map((h) => h.version)).toEqual([1, SNAPSHOT_EVERY + 1]);
    for (let v = 1; v <= texts.length; v++) expect((await store.genesis.reconstruct(b.soul, v)).source).toBe(texts[v - 1]);
  });

  it("says what a save would be on a dry run and writes nothing", async () => {
    const b = await create({ name: "dry", source: F });
    const r = await evolve({ soul: b.soul, source: "def function(x):\n    return 2 * x\n", dry_run: true });
    expect(r).toMatchObject({ kind: "mutation", dry_run: true, soul: null, parent: { soul: b.soul, version: 1 } });
    expect((await store.genesis.get(b.soul)).history).toHaveLength(1);
    expect((await store.beings.list({ limit: 50 })).items.filter((x) => !x.core)).toHaveLength(1);
  });

  it("mutates into a new being with a mutated-from relationship and its lineage", async () => {
    const parent = await create({ name: "double", source: F, attributes: { factor: 2 } });
    const r = await evolve({ soul: parent.soul, source: "def function(x, factor):\n    return factor * x\n", name: "scaled" });
    if (r.kind !== "mutation" || !r.soul) throw new Error(`expected a mutation, got ${r.kind}`);
    const child = await store.genesis.get(r.soul);
    expect(child.genesis).toMatchObject({ name: "scaled", version: 1, meta: { mutated_from: { soul: parent.soul, version: 1 } } });
    expect(child.genesis.ancestors).toEqual([coreSoul("BaseBeing"), coreSoul("FunctionBeing"), parent.soul]);
    expect(child.attributes).toEqual({ factor: 2 });
    expect((await store.genesis.get(parent.soul)).genesis.source).toBe(F);
    const rels = await store.relationships.list(relationshipListSchema.parse({ source_soul: r.soul }));
    expect(rels.items).toMatchObject([{ target_soul: parent.soul, tags: [MUTATED_FROM], genesis: { parent_version: 1 } }]);

    const grandchild = await evolve({ soul: r.soul, source: "pass\n" });
    const lineage = await store.genesis.lineage(parent.soul);
    expect(lineage.nodes.find((n) => n.soul === r.soul)?.depth).toBe(1);
    expect(lineage.nodes.find((n) => n.soul === grandchild.soul)?.depth).toBe(2);
    expect(lineage.nodes.find((n) => n.soul === coreSoul("FunctionBeing"))).toMatchObject({ depth: -1, core: true });
    expect(lineage.edges).toContainEqual({ kind: "mutation", parent: parent.soul, child: r.soul, parent_version: 1 });
    expect(lineage.edges).toContainEqual({ kind: "descent", parent: coreSoul("FunctionBeing"), child: parent.soul, parent_version: null });
    const fromChild = await store.genesis.lineage(r.soul);
    expect(fromChild.edges).toContainEqual({ kind: "mutation", parent: parent.soul, child: r.soul, parent_version: 1 });

    const diff = await store.genesis.diff({ soul: parent.soul, version: 1 }, { soul: r.soul, version: 1 });
    expect(diff.rows.map((row) => row.kind)).toEqual(["changed", "changed"]);
    expect(diff.classification.kind).toBe("mutation");
  });

  it("keeps the history exact when the source was edited outside evolve", async () => {
    const b = await create({ name: "drift", source: F });
    await store.beings.update(beingUpdateSchema.parse({ soul: b.soul, genesis: { source: `${F}# by hand\n` } }));
    const r = await evolve({ soul: b.soul, source: `${F}# by hand\n# evolved\n` });
    expect(r).toMatchObject({ kind: "evolution", version: 3 });
    expect((await store.genesis.reconstruct(b.soul, 2)).source).toBe(`${F}# by hand\n`);
    expect((await store.genesis.get(b.soul)).history[1]).toMatchObject({ message: "edited outside genesis.evolve" });
  });

  it("adopts a being created without genesis as version 1 on its first evolution", async () => {
    const plain = await store.beings.create({
      tags: [],
      energy_level: 0,
      genesis: { name: "old", source: "a = 1\nb = 2\n" },
      attributes: {},
      memories: {},
      self_awareness: {},
    });
    expect(await evolve({ soul: plain.soul, source: "a = 1\nb = 2\nc = 3\n" })).toMatchObject({ kind: "evolution", version: 2 });
    expect((await store.genesis.reconstruct(plain.soul, 1)).source).toBe("a = 1\nb = 2\n");
  });

  it("refuses to evolve a core being, and versions are never rewritten", async () => {
    await expect(evolve({ soul: coreSoul("FunctionBeing"), source: F })).rejects.toMatchObject({ reason: "CORE_IMMUTABLE" });
    const b = await create({ name: "history", source: F });
    await expect(store.sql.query("UPDATE genesis_versions SET added = 9 WHERE soul = $1", [b.soul])).rejects.toThrow(/history and never changes/);
  });

  it("names a version that does not exist", async () => {
    const b = await create({ name: "short", source: F });
    await expect(store.genesis.reconstruct(b.soul, 7)).rejects.toMatchObject({ reason: "NOT_FOUND", message: expect.stringContaining("no version 7") });
  });

  it("exports a being as one file and imports it elsewhere, or as a copy here", async () => {
    const parent = await create({ name: "p", source: F });
    const m = await evolve({ soul: parent.soul, source: "pass\n# a\n" });
    expect(await evolve({ soul: m.soul!, source: "pass\n# a\n# b\n" })).toMatchObject({ kind: "evolution", version: 2 });
    const file = await store.genesis.export(m.soul!);
    expect(file.versions).toHaveLength(2);
    expect(file.relationships).toHaveLength(1);
    await expect(store.genesis.import(file, { newSoulIfTaken: false })).rejects.toMatchObject({ reason: "CONFLICT" });
    const copy = await store.genesis.import(file, { newSoulIfTaken: true });
    expect(copy).toMatchObject({ versions: 2, relationships: 1, skipped: 0 });
    expect((await store.genesis.reconstruct(copy.soul, 2)).source).toBe("pass\n# a\n# b\n");

    await store.beings.delete(m.soul!);
    await store.beings.delete(parent.soul);
    const back = await store.genesis.import(file, { newSoulIfTaken: false });
    expect(back).toMatchObject({ soul: m.soul, versions: 2, relationships: 0, skipped: 1 });
    expect((await store.genesis.lineage(m.soul!)).nodes.find((n) => n.soul === parent.soul)).toMatchObject({ exists: false, name: "(deleted)" });
  });

  it("refuses a damaged file", async () => {
    const b = await create({ name: "d", source: F });
    await evolve({ soul: b.soul, source: `${F}# x\n` });
    const file = await store.genesis.export(b.soul);
    await store.beings.delete(b.soul);
    const damaged = { ...file, versions: [file.versions[0]!, { ...file.versions[1]!, body: { ops: [["=", 999] as const] } }] };
    await expect(store.genesis.import(damaged, { newSoulIfTaken: false })).rejects.toMatchObject({
      reason: "INVALID",
      message: expect.stringMatching(/damaged/),
    });
  });

  it("summons a child whose capabilities are never wider than its summoner's", async () => {
    const parent = await create({ name: "caller", source: F, capabilities: ["summon"] });
    const child = await create({ name: "summoned", source: F, summoned_by: parent.soul, capabilities: ["execution", "summon"] });
    expect(child.genesis.meta).toMatchObject({ capabilities: ["summon"], summoned_by: parent.soul });
    expect(child.genesis.ancestors.at(-1)).toBe(parent.soul);
    const lineage = await store.genesis.lineage(parent.soul);
    expect(lineage.edges).toContainEqual({ kind: "summon", parent: parent.soul, child: child.soul, parent_version: 1 });
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { CORE_BEINGS, coreSoul } from "../../lib/coreBeings";
import { MAX_JSON_BYTES } from "../../lib/constants";
import {
  beingCreateSchema,
  beingListSchema,
  beingUpdateSchema,
  relationshipCreateSchema,
  relationshipListSchema,
  type BeingCreateInput,
  type BeingListInput,
  type RelationshipCreateInput,
} from "../../lib/schemas";
import type { MasterStore } from "./store";
import { testBackends, useFreshStore } from "./testing";

describe.each(testBackends())("master store contract on $name", (backend) => {
  let store: MasterStore;
  useFreshStore(backend, (opened) => (store = opened));

  const being = (input: BeingCreateInput) => store.beings.create(beingCreateSchema.parse(input));
  const relate = (input: RelationshipCreateInput) => store.relationships.create(relationshipCreateSchema.parse(input));
  const list = (input: BeingListInput = {}) => store.beings.list(beingListSchema.parse(input));
  const names = (page: { items: { genesis: { name?: unknown } }[] }) => page.items.map((b) => b.genesis["name"]);

  describe("core beings", () => {
    it("exist with their fixed souls", async () => {
      for (const core of CORE_BEINGS) {
        const found = await store.beings.get(core.soul);
        expect(found.genesis["name"]).toBe(core.name);
        expect(found.core).toBe(true);
      }
    });

    it("refuse updates and deletes with a clear reason", async () => {
      const soul = coreSoul("Kernel");
      await expect(store.beings.update(beingUpdateSchema.parse({ soul, tags: ["x"] }))).rejects.toMatchObject({
        reason: "CORE_IMMUTABLE",
        message: expect.stringContaining("core being"),
      });
      await expect(store.beings.delete(soul)).rejects.toMatchObject({ reason: "CORE_IMMUTABLE" });
      expect((await store.beings.get(soul)).tags).toEqual(["core"]);
    });

    it("are guarded in the database itself, even against raw SQL", async () => {
      await expect(store.sql.query("UPDATE base_beings SET energy_level = 1 WHERE soul = $1", [coreSoul("Factory")])).rejects.toThrow(/never changes/);
      await expect(store.sql.query("DELETE FROM base_beings WHERE soul = $1", [coreSoul("Factory")])).rejects.toThrow(/never changes/);
    });
  });

  describe("beings", () => {
    it("round-trip every field, with defaults", async () => {
      const created = await being({
        genesis: { name: "Ada", type: "function", source: "def f(): pass", ancestors: [coreSoul("FunctionBeing")] },
        tags: ["math", "math", "poet"],
        energy_level: 42,
        attributes: { rate: 2.5, nested: { deep: [1, "two", null, true] } },
        memories: { log: [{ at: 1, what: "born" }] },
        self_awareness: { trust: 0.9 },
        embedding: Array.from({ length: 384 }, (_, i) => Math.sin(i)),
      });
      const got = await store.beings.get(created.soul);
      expect(got).toEqual(created);
      expect(got).toMatchObject({
        tags: ["math", "poet"],
        energy_level: 42,
        attributes: { rate: 2.5, nested: { deep: [1, "two", null, true] } },
        branches: ["main"],
        has_embedding: true,
        core: false,
      });
      expect(got.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const plain = await being({ genesis: { name: "Plain" } });
      expect(plain).toMatchObject({ tags: [], energy_level: 0, attributes: {}, memories: {}, self_awareness: {}, has_embedding: false });
    });

    it("keep a soul given by the caller and refuse a second being with it", async () => {
      const soul = "0b6f2d6e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
      await being({ soul, genesis: { name: "First" } });
      await expect(being({ soul, genesis: { name: "Second" } })).rejects.toMatchObject({ reason: "CONFLICT", message: expect.stringContaining(soul) });
      expect((await store.beings.get(soul)).genesis["name"]).toBe("First");
    });

    it("name an unknown soul when it is not found", async () => {
      const soul = "11111111-2222-4333-8444-555555555555";
      await expect(store.beings.get(soul)).rejects.toMatchObject({ reason: "NOT_FOUND", message: expect.stringContaining(soul) });
      await expect(store.beings.update(beingUpdateSchema.parse({ soul, energy_level: 1 }))).rejects.toMatchObject({ reason: "NOT_FOUND" });
      await expect(store.beings.delete(soul)).rejects.toMatchObject({ reason: "NOT_FOUND" });
    });

    it("update JSON columns by merge patch and set tags and energy", async () => {
      const b = await being({ genesis: { name: "Patchy", type: "agent" }, attributes: { a: 1, keep: { x: 1, y: 2 }, list: [1, 2] }, tags: ["old"] });
      const updated = await store.beings.update(
        beingUpdateSchema.parse({
          soul: b.soul,
          attributes: { a: null, keep: { y: null, z: 3 }, list: [9] },
          genesis: { version: 2 },
          tags: ["new"],
          energy_level: -5,
        }),
      );
      expect(updated.attributes).toEqual({ keep: { x: 1, z: 3 }, list: [9] });
      expect(updated.genesis).toEqual({ name: "Patchy", type: "agent", version: 2 });
      expect(updated.tags).toEqual(["new"]);
      expect(updated.energy_level).toBe(-5);
      expect(updated.memories).toEqual({});
      expect(updated.created_at).toBe(b.created_at);
      expect(updated.updated_at >= b.updated_at).toBe(true);
      expect(await store.beings.get(b.soul)).toEqual(updated);
    });

    it("refuse an update that would grow a document past the limit, changing nothing", async () => {
      const half = "x".repeat(MAX_JSON_BYTES / 2);
      const b = await being({ genesis: { name: "Big" }, attributes: { one: half } });
      await expect(store.beings.update(beingUpdateSchema.parse({ soul: b.soul, attributes: { two: half }, energy_level: 7 }))).rejects.toMatchObject({
        reason: "INVALID",
      });
      const after = await store.beings.get(b.soul);
      expect(Object.keys(after.attributes)).toEqual(["one"]);
      expect(after.energy_level).toBe(0);
    });

    it("delete a being together with every relationship that touches it", async () => {
      const [a, b, c] = await Promise.all(["A", "B", "C"].map((name) => being({ genesis: { name } })));
      await relate({ source_soul: a!.soul, target_soul: b!.soul });
      await relate({ source_soul: c!.soul, target_soul: a!.soul });
      await relate({ source_soul: b!.soul, target_soul: c!.soul });
      expect(await store.beings.delete(a!.soul)).toEqual({ soul: a!.soul, relationships_deleted: 2 });
      await expect(store.beings.get(a!.soul)).rejects.toMatchObject({ reason: "NOT_FOUND" });
      expect((await store.relationships.list(relationshipListSchema.parse({}))).items).toHaveLength(1);
    });

    it("create many at once, returning souls in order", async () => {
      const souls = await store.beings.createMany(
        ["m1", "m2", "m3"].map((name, i) => beingCreateSchema.parse({ genesis: { name }, tags: ["bulk"], energy_level: i })),
      );
      expect(souls).toHaveLength(3);
      const got = await Promise.all(souls.map((s) => store.beings.get(s)));
      expect(got.map((b) => [b.genesis["name"], b.energy_level, b.tags])).toEqual([
        ["m1", 0, ["bulk"]],
        ["m2", 1, ["bulk"]],
        ["m3", 2, ["bulk"]],
      ]);
      await expect(store.beings.createMany([beingCreateSchema.parse({ soul: souls[0], genesis: { name: "dup" } })])).rejects.toMatchObject({
        reason: "CONFLICT",
      });
    });
  });

  describe("listing beings", () => {
    beforeEach(async () => {
      await being({ genesis: { name: "Alpha", type: "agent" }, tags: ["red", "round"], energy_level: 10, attributes: { kind: "scout", grp: "g1" } });
      await being({
        genesis: { name: "Beta", type: "function" },
        tags: ["red"],
        energy_level: 20,
        attributes: { kind: "worker", grp: "g1" },
        self_awareness: { mood: "calm" },
      });
      await being({ genesis: { name: "Gamma 100%_sure", type: "agent" }, tags: ["blue", "round"], energy_level: 30, memories: { seen: ["sea"] } });
    });

    it("filter by tags (any and all), energy range and name", async () => {
      expect(names(await list({ tags_any: ["red", "blue"] })).sort()).toEqual(["Alpha", "Beta", "Gamma 100%_sure"]);
      expect(names(await list({ tags_all: ["red", "round"] }))).toEqual(["Alpha"]);
      expect(names(await list({ energy_min: 15, energy_max: 30 })).sort()).toEqual(["Beta", "Gamma 100%_sure"]);
      expect(names(await list({ name: "ALP" }))).toEqual(["Alpha"]);
      expect(names(await list({ name: "100%_" }))).toEqual(["Gamma 100%_sure"]);
      expect(names(await list({ name: "%" }))).toEqual(["Gamma 100%_sure"]);
    });

    it("filter by JSONB containment on each column", async () => {
      expect(names(await list({ attributes: { grp: "g1" } })).sort()).toEqual(["Alpha", "Beta"]);
      expect(names(await list({ attributes: { grp: "g1", kind: "worker" } }))).toEqual(["Beta"]);
      expect(names(await list({ genesis: { type: "agent" } })).sort()).toEqual(["Alpha", "Gamma 100%_sure"]);
      expect(names(await list({ memories: { seen: ["sea"] } }))).toEqual(["Gamma 100%_sure"]);
      expect(names(await list({ self_awareness: { mood: "calm" } }))).toEqual(["Beta"]);
      expect(names(await list({ attributes: { grp: "g2" } }))).toEqual([]);
    });

    it("page through everything newest first, each being exactly once, ties included", async () => {
      // One createMany shares one created_at: the soul breaks the tie, and pages must not skip or repeat across it.
      await store.beings.createMany(Array.from({ length: 5 }, (_, i) => beingCreateSchema.parse({ genesis: { name: `tie${i}` }, tags: ["page"] })));
      for (let i = 0; i < 4; i++) await being({ genesis: { name: `p${i}` }, tags: ["page"] });
      const seen: { name: string; created_at: string; soul: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list({ tags_any: ["page"], limit: 2, cursor });
        seen.push(...page.items.map((b) => ({ name: b.genesis["name"] as string, created_at: b.created_at, soul: b.soul })));
        cursor = page.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(5);
      expect(seen.map((b) => b.name).sort()).toEqual(["p0", "p1", "p2", "p3", "tie0", "tie1", "tie2", "tie3", "tie4"]);
      const newestFirst = [...seen].sort((a, b) => (a.created_at === b.created_at ? b.soul.localeCompare(a.soul) : b.created_at.localeCompare(a.created_at)));
      expect(seen).toEqual(newestFirst);
      expect(seen.at(-1)!.name.startsWith("tie")).toBe(true);
    });

    it("refuse a cursor it did not give out", async () => {
      await expect(list({ cursor: "bm90LWEtY3Vyc29y" })).rejects.toMatchObject({ reason: "INVALID" });
    });
  });

  describe("relationships", () => {
    let a: string, b: string, c: string, d: string, e: string;
    beforeEach(async () => {
      [a, b, c, d, e] = (await store.beings.createMany(["a", "b", "c", "d", "e"].map((name) => beingCreateSchema.parse({ genesis: { name } })))) as [
        string,
        string,
        string,
        string,
        string,
      ];
    });

    it("round-trip and are listed by source, target, tags and energy", async () => {
      const r = await relate({ source_soul: a, target_soul: b, tags: ["knows"], energy_level: 5, genesis: { why: "met" }, attributes: { since: 2020 } });
      expect(await store.relationships.get(r.id)).toEqual(r);
      await relate({ source_soul: b, target_soul: c, tags: ["teaches"], energy_level: 50 });
      const l = (input: object) => store.relationships.list(relationshipListSchema.parse(input)).then((p) => p.items.map((x) => x.id));
      expect(await l({ source_soul: a })).toEqual([r.id]);
      expect(await l({ target_soul: b })).toEqual([r.id]);
      expect(await l({ tags_any: ["knows"] })).toEqual([r.id]);
      expect(await l({ energy_min: 10 })).toHaveLength(1);
      expect(await l({})).toHaveLength(2);
    });

    it("name the missing end when a relationship points nowhere", async () => {
      const ghost = "99999999-9999-4999-8999-999999999999";
      await expect(relate({ source_soul: ghost, target_soul: a })).rejects.toMatchObject({
        reason: "MISSING_ENDPOINT",
        message: expect.stringContaining(`source_soul ${ghost}`),
      });
      await expect(relate({ source_soul: a, target_soul: ghost })).rejects.toMatchObject({
        reason: "MISSING_ENDPOINT",
        message: expect.stringContaining(`target_soul ${ghost}`),
      });
      expect((await store.relationships.list(relationshipListSchema.parse({}))).items).toHaveLength(0);
    });

    it("delete one and say when it is gone", async () => {
      const r = await relate({ source_soul: a, target_soul: b });
      expect(await store.relationships.delete(r.id)).toEqual({ id: r.id });
      await expect(store.relationships.delete(r.id)).rejects.toMatchObject({ reason: "NOT_FOUND" });
    });

    it("find neighbours by depth and direction, through cycles", async () => {
      // a -> b -> c -> a (cycle), c -> d, e -> a
      await store.relationships.createMany(
        [
          [a, b],
          [b, c],
          [c, a],
          [c, d],
          [e, a],
        ].map(([source_soul, target_soul]) => relationshipCreateSchema.parse({ source_soul, target_soul })),
      );
      const souls = async (depth: number, direction: "in" | "out" | "both") =>
        Object.fromEntries((await store.relationships.neighbors({ soul: a, depth, direction })).nodes.map((n) => [n.name, n.depth]));
      expect(await souls(1, "out")).toEqual({ b: 1 });
      expect(await souls(1, "in")).toEqual({ c: 1, e: 1 });
      expect(await souls(1, "both")).toEqual({ b: 1, c: 1, e: 1 });
      expect(await souls(2, "out")).toEqual({ b: 1, c: 2 });
      expect(await souls(3, "out")).toEqual({ b: 1, c: 2, d: 3 });
      const hood = await store.relationships.neighbors({ soul: a, depth: 2, direction: "both" });
      expect(hood.nodes.map((n) => n.name).sort()).toEqual(["b", "c", "d", "e"]);
      expect(hood.edges).toHaveLength(5);
      expect(hood.truncated).toBe(false);
    });

    it("find the shortest path, within the depth and direction asked", async () => {
      // long way a -> b -> c -> d, short way a -> e -> d
      await store.relationships.createMany(
        [
          [a, b],
          [b, c],
          [c, d],
          [a, e],
          [e, d],
        ].map(([source_soul, target_soul]) => relationshipCreateSchema.parse({ source_soul, target_soul })),
      );
      const path = await store.relationships.path({ from: a, to: d, max_depth: 6, direction: "out" });
      expect(path).toMatchObject({ found: true, souls: [a, e, d] });
      expect(path.relationships.map((r) => [r.source_soul, r.target_soul])).toEqual([
        [a, e],
        [e, d],
      ]);
      expect((await store.relationships.path({ from: d, to: a, max_depth: 6, direction: "out" })).found).toBe(false);
      expect((await store.relationships.path({ from: d, to: a, max_depth: 6, direction: "in" })).souls).toEqual([d, e, a]);
      expect((await store.relationships.path({ from: a, to: d, max_depth: 1, direction: "out" })).found).toBe(false);
      expect(await store.relationships.path({ from: a, to: a, max_depth: 3, direction: "both" })).toEqual({ found: true, souls: [a], relationships: [] });
      await expect(store.relationships.path({ from: a, to: "99999999-9999-4999-8999-999999999999", max_depth: 3, direction: "out" })).rejects.toMatchObject({
        reason: "NOT_FOUND",
      });
    });
  });
});

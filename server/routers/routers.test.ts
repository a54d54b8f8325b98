import { describe, expect, it } from "vitest";
import { CORE_BEINGS, coreSoul } from "../../lib/coreBeings";
import { MAX_JSON_BYTES, MAX_TAGS } from "../../lib/constants";
import { failure, useLocalCaller, type LocalCaller } from "./testing";

const GHOST = "99999999-9999-4999-8999-999999999999";

describe("tRPC routers", () => {
  let api: LocalCaller;
  useLocalCaller((_store, caller) => (api = caller));

  it("create, get, update, list and delete a being", async () => {
    const b = await api.beings.create({ genesis: { name: "Router" }, tags: ["t"], energy_level: 3 });
    expect(await api.beings.get({ soul: b.soul })).toEqual(b);
    const u = await api.beings.update({ soul: b.soul, attributes: { x: 1 }, energy_level: 4 });
    expect(u).toMatchObject({ attributes: { x: 1 }, energy_level: 4 });
    expect((await api.beings.list({ tags_all: ["t"] })).items.map((i) => i.soul)).toEqual([b.soul]);
    expect(await api.beings.delete({ soul: b.soul })).toEqual({ soul: b.soul, relationships_deleted: 0 });
  });

  it("accept upper-case souls as the same being", async () => {
    const b = await api.beings.create({ genesis: { name: "Case" } });
    expect((await api.beings.get({ soul: b.soul.toUpperCase() })).soul).toBe(b.soul);
  });

  it.each([
    ["a missing name", { genesis: {} }, /genesis\.name/],
    ["an empty name", { genesis: { name: "  " } }, /genesis\.name/],
    ["a fractional energy", { genesis: { name: "x" }, energy_level: 1.5 }, /whole number/],
    ["an energy beyond 32 bits", { genesis: { name: "x" }, energy_level: 2 ** 31 }, /32-bit/],
    ["too many tags", { genesis: { name: "x" }, tags: Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`) }, /at most 64 tags/],
    ["a tag too long", { genesis: { name: "x" }, tags: ["x".repeat(65)] }, /at most 64 characters/],
    ["an empty tag", { genesis: { name: "x" }, tags: [" "] }, /cannot be empty/],
    ["a huge document", { genesis: { name: "x" }, attributes: { blob: "x".repeat(MAX_JSON_BYTES) } }, /larger than 256 KB/],
    ["an array where an object belongs", { genesis: { name: "x" }, memories: [1, 2] }, /memories must be a JSON object/],
    ["an unknown field", { genesis: { name: "x" }, colour: "red" }, /unknown field\(s\) "colour"/],
    ["a malformed soul", { soul: "not-a-uuid", genesis: { name: "x" } }, /soul: must be a UUID/],
    ["a bad embedding", { genesis: { name: "x" }, embedding: [1, 2, 3] }, /exactly 384 numbers/],
  ] as [string, Parameters<typeof api.beings.create>[0], RegExp][])("refuse %s with a readable BAD_REQUEST", async (_label, input, message) => {
    const error = await failure(api.beings.create(input));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(message);
    expect((await api.beings.list({})).items.filter((b) => !b.core)).toHaveLength(0);
  });

  it("answer NOT_FOUND naming an unknown soul", async () => {
    const error = await failure(api.beings.get({ soul: GHOST }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain(GHOST);
  });

  it("answer FORBIDDEN for a core being", async () => {
    const error = await failure(api.beings.delete({ soul: coreSoul("BaseBeing") }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/core being/);
  });

  it("answer BAD_REQUEST naming the missing end of a relationship", async () => {
    const b = await api.beings.create({ genesis: { name: "End" } });
    const error = await failure(api.relationships.create({ source_soul: b.soul, target_soul: GHOST }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(`target_soul ${GHOST}`);
  });

  it("refuse filters and pages that make no sense", async () => {
    expect((await failure(api.beings.list({ limit: 201 }))).message).toMatch(/at most 200/);
    expect((await failure(api.beings.list({ energy_min: 5, energy_max: 1 }))).message).toMatch(/energy_min is larger than energy_max/);
    expect((await failure(api.beings.list({ cursor: "garbage" }))).code).toBe("BAD_REQUEST");
    expect((await failure(api.relationships.neighbors({ soul: GHOST, depth: 4 }))).message).toMatch(/depth is at most 3/);
    expect((await failure(api.relationships.path({ from: GHOST, to: GHOST, max_depth: 7 }))).message).toMatch(/max_depth is at most 6/);
  });

  it("walk the graph through the API", async () => {
    const a = await api.beings.create({ genesis: { name: "a" } });
    const b = await api.beings.create({ genesis: { name: "b" } });
    const c = await api.beings.create({ genesis: { name: "c" } });
    await api.relationships.createMany({
      relationships: [
        { source_soul: a.soul, target_soul: b.soul, tags: ["next"] },
        { source_soul: b.soul, target_soul: c.soul, tags: ["next"] },
      ],
    });
    expect((await api.relationships.path({ from: a.soul, to: c.soul })).souls).toEqual([a.soul, b.soul, c.soul]);
    expect((await api.relationships.neighbors({ soul: b.soul })).nodes.map((n) => n.name).sort()).toEqual(["a", "c"]);
    expect((await api.relationships.list({ tags_any: ["next"] })).items).toHaveLength(2);
  });

  it("describe the master", async () => {
    const info = await api.master.info();
    expect(info).toMatchObject({ store: "pglite", counts: { beings: CORE_BEINGS.length, relationships: 0 } });
    expect(info.core_beings.map((b) => b.name)).toEqual(["BaseBeing", "ClassBeing", "FunctionBeing", "Kernel", "Factory", "IOQueue", "CPUQueue"]);
  });
});

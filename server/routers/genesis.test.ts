import { describe, expect, it } from "vitest";
import { coreSoul } from "../../lib/coreBeings";
import { failure, useLocalCaller, type LocalCaller } from "./testing";

describe("genesis router", () => {
  let api: LocalCaller;
  useLocalCaller((_store, caller) => (api = caller));

  it("creates, evolves, reconstructs and diffs through the API", async () => {
    const b = await api.genesis.create({ name: "add", source: "def function(a, b):\n    return a + b\n" });
    const preview = await api.genesis.evolve({ soul: b.soul, source: "def function(a, b):\n    return a + b\n# sums\n", dry_run: true });
    expect(preview).toMatchObject({ kind: "evolution", dry_run: true, version: 2 });
    expect((await api.genesis.get({ soul: b.soul })).genesis.version).toBe(1);
    await api.genesis.evolve({ soul: b.soul, source: "def function(a, b):\n    return a + b\n# sums\n" });
    expect((await api.genesis.reconstruct({ soul: b.soul, version: 1 })).source).toBe("def function(a, b):\n    return a + b\n");
    const d = await api.genesis.diff({ a: { soul: b.soul, version: 1 }, b: { soul: b.soul, version: 2 } });
    expect(d.rows.at(-1)).toMatchObject({ kind: "added", left: null, right: { line: 3, text: "# sums" } });
  });

  it("refuses bad input and core beings in words", async () => {
    expect((await failure(api.genesis.create({ name: "x", type: "banana" as "function" }))).message).toMatch(/type is one of class, function, kernel, runtime/);
    expect((await failure(api.genesis.create({ name: "x", source: "x".repeat(70_000) }))).message).toMatch(/larger than 64 KB/);
    const core = await failure(api.genesis.evolve({ soul: coreSoul("Kernel"), source: "x = 1\n" }));
    expect(core.code).toBe("FORBIDDEN");
    expect((await failure(api.genesis.import({ file: { format: "zip" } as never }))).message).toMatch(/not a LuxOS being file/);
  });
});

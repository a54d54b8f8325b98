import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { beingCreateSchema } from "../../lib/schemas";
import { loadMigrations, migrate } from "./migrate";
import { openStore } from "./openStore";
import { createPgliteDriver } from "./pglite";

describe("migrations", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("are applied once, recorded, and never re-run", async () => {
    const driver = await createPgliteDriver();
    const all = await loadMigrations();
    const names = [
      "0001_world",
      "0002_core_beings",
      "0003_rooms",
      "0004_knowledge",
      "0005_genesis",
      "0006_identity",
      "0007_branches",
      "0008_timeline",
      "0009_kernel",
      "0010_branch_access",
      "0011_relationship_branches",
      "0012_journal_all",
    ];
    expect(all.map((m) => m.name)).toEqual(names);
    expect(await migrate(driver, all)).toEqual(names);
    expect(await migrate(driver, all)).toEqual([]);
    const rows = await driver.query<{ version: number }>("SELECT version FROM luxos_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(names.map((n) => Number(n.slice(0, 4))));
    await driver.close();
  });

  it("refuse to run when a shipped migration was edited", async () => {
    const driver = await createPgliteDriver();
    const all = await loadMigrations();
    await migrate(driver, all);
    const edited = all.map((m) => (m.version === 1 ? { ...m, checksum: "edited" } : m));
    await expect(migrate(driver, edited)).rejects.toThrow(/edited after it was applied/);
    await driver.close();
  });

  it("create seed 001's indexes, plus branches, embedding (HNSW) and pagination ones", async () => {
    const driver = await createPgliteDriver();
    await migrate(driver);
    const rows = await driver.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('base_beings','relationships')",
    );
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
    for (const name of [
      "idx_base_beings_genesis",
      "idx_base_beings_attributes",
      "idx_base_beings_memories",
      "idx_base_beings_self_awareness",
      "idx_being_tags",
      "idx_relationships_genesis",
      "idx_relationships_attributes",
      "idx_rel_tags",
      "idx_base_beings_branches",
      "idx_relationships_branches",
    ]) {
      expect(defs[name], name).toMatch(/USING gin/);
    }
    for (const name of ["idx_base_beings_energy_level", "idx_relationships_source", "idx_relationships_target", "idx_relationships_energy_level"]) {
      expect(defs[name], name).toMatch(/USING btree/);
    }
    expect(defs["idx_base_beings_embedding"]).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    const fks = await driver.query<{ def: string }>(
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'relationships'::regclass AND contype = 'f'",
    );
    expect(fks.map((f) => f.def).sort()).toEqual([
      "FOREIGN KEY (source_soul) REFERENCES base_beings(soul)",
      "FOREIGN KEY (target_soul) REFERENCES base_beings(soul)",
    ]);
    await driver.close();
  });

  it("keep the embedded master's data across a restart on the same folder", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "luxos-persist-"));
    dirs.push(dir);
    const first = await openStore({ kind: "pglite", dataDir: dir });
    const created = await first.beings.create(beingCreateSchema.parse({ genesis: { name: "Survivor" }, tags: ["durable"] }));
    await first.close();
    const second = await openStore({ kind: "pglite", dataDir: dir });
    expect(await second.beings.get(created.soul)).toEqual(created);
    await second.close();
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { branchForkSchema, branchMergeSchema, type Resolution } from "../../lib/branches/schemas";
import { isCoreSoul } from "../../lib/coreBeings";
import { createRandom, type Random } from "../../lib/random";
import { beingCreateSchema, beingListSchema, beingUpdateSchema } from "../../lib/schemas";
import type { MasterStore } from "./store";
import { resetStore, testBackends } from "./testing";

/** Seeds that once failed stay here as regressions; the rest are fresh each run of the list. */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const STEPS = 28;

type Change = { kind: "changed"; v: number; base: number } | { kind: "deleted"; base: number } | { kind: "created"; v: number };

/**
 * The oracle: main as a map of soul → (value, version); the branch as its changes since the fork,
 * each remembering main's version it was copied from. A read-through branch sees its change of a
 * soul, or main's current row.
 */
class Oracle {
  readonly main = new Map<string, { v: number; version: number }>();
  readonly changes = new Map<string, Change>();

  mainView(): Map<string, number> {
    return new Map([...this.main].map(([s, m]) => [s, m.v]));
  }

  branchView(): Map<string, number> {
    const view = this.mainView();
    for (const [soul, c] of this.changes) {
      if (c.kind === "deleted") view.delete(soul);
      else view.set(soul, c.v);
    }
    return view;
  }

  writeMain(soul: string, v: number) {
    const m = this.main.get(soul);
    this.main.set(soul, { v, version: (m?.version ?? 0) + 1 });
  }

  writeBranch(soul: string, v: number) {
    const c = this.changes.get(soul);
    if (c?.kind === "created") this.changes.set(soul, { kind: "created", v });
    else this.changes.set(soul, { kind: "changed", v, base: c ? c.base : this.main.get(soul)!.version });
  }

  deleteBranch(soul: string) {
    const c = this.changes.get(soul);
    if (c?.kind === "created") this.changes.delete(soul);
    else this.changes.set(soul, { kind: "deleted", base: c ? c.base : this.main.get(soul)!.version });
  }

  conflicts(): string[] {
    const out: string[] = [];
    for (const [soul, c] of this.changes) {
      if (c.kind === "created") continue;
      const m = this.main.get(soul);
      const moved = m === undefined || m.version !== c.base;
      if (c.kind === "changed" ? moved : m !== undefined && moved) out.push(soul);
    }
    return out.sort();
  }

  /** main after the merge: the branch's changes applied to a snapshot of main, conflicts as resolved. */
  merged(resolutions: Record<string, Resolution>): Map<string, number> {
    const view = this.mainView();
    for (const [soul, c] of this.changes) {
      if (resolutions[soul] === "ours") continue;
      if (c.kind === "deleted") view.delete(soul);
      else view.set(soul, c.v);
    }
    return view;
  }
}

describe.each(testBackends())("branch properties on $name (seeded)", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  /** Across the seeds the runs must reach conflicts and deletions, or the properties prove little. */
  const seen = { conflicts: 0, deletions: 0 };
  afterAll(async () => {
    await backend.dispose(store);
    expect(seen.conflicts).toBeGreaterThan(0);
    expect(seen.deletions).toBeGreaterThan(0);
  });
  beforeEach(async () => {
    await resetStore(store);
  });

  /** soul → attributes.v of every non-core, non-branch being the view shows. */
  async function observed(branch: string): Promise<Map<string, number>> {
    const page = await store.beings.list(beingListSchema.parse({ branch, limit: 200 }));
    expect(page.next_cursor).toBeNull();
    return new Map(page.items.filter((b) => !isCoreSoul(b.soul) && !b.tags.includes("branch")).map((b) => [b.soul, Number(b.attributes["v"])]));
  }

  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

  async function step(random: Random, oracle: Oracle, branch: string): Promise<void> {
    const inBranch = random.bool();
    const visible = [...(inBranch ? oracle.branchView() : oracle.mainView()).keys()];
    const v = random.int(0, 1_000_000);
    const roll = random.next();
    if (roll < 0.2 || visible.length === 0) {
      const made = await store.beings.create(beingCreateSchema.parse({ genesis: { name: `n${v}` }, attributes: { v }, ...(inBranch ? { branch } : {}) }));
      if (inBranch) oracle.changes.set(made.soul, { kind: "created", v });
      else oracle.writeMain(made.soul, v);
    } else if (roll < 0.85) {
      const soul = random.pick(visible);
      await store.beings.update(beingUpdateSchema.parse({ soul, attributes: { v }, ...(inBranch ? { branch } : {}) }));
      if (inBranch) oracle.writeBranch(soul, v);
      else oracle.writeMain(soul, v);
    } else {
      const soul = random.pick(visible);
      await store.beings.delete(soul, inBranch ? branch : undefined);
      if (inBranch) oracle.deleteBranch(soul);
      else oracle.main.delete(soul);
    }
  }

  it.each(SEEDS)("seed %i: branch writes never change main; the merge equals the oracle; every conflict is found", async (seed) => {
    const random = createRandom(seed);
    const oracle = new Oracle();
    for (let i = 0; i < 6; i++) {
      const made = await store.beings.create(beingCreateSchema.parse({ genesis: { name: `m${i}` }, attributes: { v: i } }));
      oracle.writeMain(made.soul, i);
    }
    const { id } = await store.branches.fork(branchForkSchema.parse({ name: `seed ${seed}` }), null);
    for (let i = 0; i < STEPS; i++) {
      await step(random, oracle, id);
      expect(sorted(await observed("main")), `main after step ${i}`).toEqual(sorted(oracle.mainView()));
      expect(sorted(await observed(id)), `branch after step ${i}`).toEqual(sorted(oracle.branchView()));
    }

    const preview = await store.branches.preview(id);
    expect(
      preview.items
        .filter((i) => i.conflict)
        .map((i) => i.soul)
        .sort(),
    ).toEqual(oracle.conflicts());
    expect(preview.items.map((i) => i.soul).sort()).toEqual([...oracle.changes.keys()].sort());

    seen.conflicts += oracle.conflicts().length;
    seen.deletions += [...oracle.changes.values()].filter((c) => c.kind === "deleted").length;
    const resolutions: Record<string, Resolution> = Object.fromEntries(oracle.conflicts().map((soul) => [soul, random.pick(["ours", "theirs"] as const)]));
    if (oracle.conflicts().length) {
      expect((await store.branches.merge(branchMergeSchema.parse({ branch: id }))).status).toBe("conflicts");
      expect(sorted(await observed("main"))).toEqual(sorted(oracle.mainView()));
    }
    const result = await store.branches.merge(branchMergeSchema.parse({ branch: id, resolutions }));
    expect(result.status).toBe("merged");
    expect(sorted(await observed("main"))).toEqual(sorted(oracle.merged(resolutions)));
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { branchForkSchema, branchMergeSchema, type RelationshipResolution, type Resolution } from "../../lib/branches/schemas";
import { isCoreSoul } from "../../lib/coreBeings";
import { createRandom, type Random } from "../../lib/random";
import {
  beingCreateSchema,
  beingListSchema,
  beingUpdateSchema,
  relationshipCreateSchema,
  relationshipListSchema,
  relationshipUpdateSchema,
} from "../../lib/schemas";
import type { MasterStore } from "./store";
import { resetStore, testBackends } from "./testing";

/** Seeds that once failed stay here as regressions; the rest are fresh each run of the list. */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const STEPS = 28;

type Change = { kind: "changed"; v: number; base: number } | { kind: "deleted"; base: number } | { kind: "created"; v: number };
/** A relationship's ends, which never change. */
type Ends = { src: string; dst: string };

/** The conflicts among `changes` against `main`: changed on both sides since the copy, or deleted on one side and changed on the other. */
function conflictsOf(main: Map<string, { version: number }>, changes: Map<string, Change>): string[] {
  const out: string[] = [];
  for (const [key, c] of changes) {
    if (c.kind === "created") continue;
    const m = main.get(key);
    const moved = m === undefined || m.version !== c.base;
    if (c.kind === "changed" ? moved : m !== undefined && moved) out.push(key);
  }
  return out.sort();
}

/** Applies `changes` to a snapshot of `main` (conflicts resolved "ours" keep main's value). */
function applied(main: Map<string, { v: number }>, changes: Map<string, Change>, resolutions: Record<string, Resolution | RelationshipResolution> = {}) {
  const view = new Map([...main].map(([k, m]) => [k, m.v]));
  for (const [key, c] of changes) {
    if (resolutions[key] === "ours") continue;
    if (c.kind === "deleted") view.delete(key);
    else view.set(key, c.v);
  }
  return view;
}

/**
 * The oracle: main as a map of soul → (value, version); the branch as its changes since the fork,
 * each remembering main's version it was copied from. A read-through branch sees its change of a
 * soul, or main's current row.
 */
class Oracle {
  readonly main = new Map<string, { v: number; version: number }>();
  readonly changes = new Map<string, Change>();
  /** Relationships, kept the same way: main's by id, and the branch's changes since the fork. */
  readonly mainRels = new Map<string, { v: number; version: number }>();
  readonly relChanges = new Map<string, Change>();
  readonly ends = new Map<string, Ends>();

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
    return conflictsOf(this.main, this.changes);
  }

  relConflicts(): string[] {
    return conflictsOf(this.mainRels, this.relChanges);
  }

  /** main after the merge: the branch's changes applied to a snapshot of main, conflicts as resolved. */
  merged(resolutions: Record<string, Resolution>): Map<string, number> {
    return applied(this.main, this.changes, resolutions);
  }

  /** Keeps the relationships whose both ends are among `beings`. */
  private living(rels: Map<string, number>, beings: Map<string, number>): Map<string, number> {
    return new Map([...rels].filter(([id]) => beings.has(this.ends.get(id)!.src) && beings.has(this.ends.get(id)!.dst)));
  }

  mainRelView(): Map<string, number> {
    return applied(this.mainRels, new Map());
  }

  /** A branch sees its changes over main's relationships, and hides those of beings it cannot see. */
  branchRelView(): Map<string, number> {
    return this.living(applied(this.mainRels, this.relChanges), this.branchView());
  }

  /** main's relationships after the merge: the branch's changes applied, then only those whose ends survived. */
  mergedRels(resolutions: Record<string, Resolution>, relResolutions: Record<string, RelationshipResolution>): Map<string, number> {
    return this.living(applied(this.mainRels, this.relChanges, relResolutions), this.merged(resolutions));
  }

  writeMainRel(id: string, v: number) {
    const m = this.mainRels.get(id);
    this.mainRels.set(id, { v, version: (m?.version ?? 0) + 1 });
  }

  writeBranchRel(id: string, v: number) {
    const c = this.relChanges.get(id);
    if (c?.kind === "created") this.relChanges.set(id, { kind: "created", v });
    else this.relChanges.set(id, { kind: "changed", v, base: c ? c.base : this.mainRels.get(id)!.version });
  }

  deleteBranchRel(id: string) {
    const c = this.relChanges.get(id);
    if (c?.kind === "created") this.relChanges.delete(id);
    else this.relChanges.set(id, { kind: "deleted", base: c ? c.base : this.mainRels.get(id)!.version });
  }

  /** A being's row going away takes every relationship row touching it, a branch's versions included (they reference it). */
  dropRelsOf(soul: string, where: "main" | "branch") {
    const touches = (id: string) => this.ends.get(id)!.src === soul || this.ends.get(id)!.dst === soul;
    if (where === "main") for (const id of [...this.mainRels.keys()]) if (touches(id)) this.mainRels.delete(id);
    for (const id of [...this.relChanges.keys()]) if (touches(id)) this.relChanges.delete(id);
  }
}

describe.each(testBackends())("branch properties on $name (seeded)", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  /** Across the seeds the runs must reach conflicts and deletions, or the properties prove little. */
  const seen = { conflicts: 0, deletions: 0, relConflicts: 0, relDeletions: 0 };
  afterAll(async () => {
    await backend.dispose(store);
    expect(seen.conflicts).toBeGreaterThan(0);
    expect(seen.deletions).toBeGreaterThan(0);
    expect(seen.relConflicts).toBeGreaterThan(0);
    expect(seen.relDeletions).toBeGreaterThan(0);
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

  /** id → attributes.v of every relationship the view shows. */
  async function observedRels(branch: string): Promise<Map<string, number>> {
    const page = await store.relationships.list(relationshipListSchema.parse({ branch, limit: 100 }));
    expect(page.next_cursor).toBeNull();
    return new Map(page.items.map((r) => [r.id, Number(r.attributes["v"])]));
  }

  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

  /** A relationship write, in main or the branch: create between two beings the view sees, change or delete one it sees. */
  async function relStep(random: Random, oracle: Oracle, branch: string, inBranch: boolean): Promise<void> {
    // A being main deleted after the branch changed it shows in the branch, but cannot be related until a merge brings it back.
    const beings = [...(inBranch ? oracle.branchView() : oracle.mainView()).keys()].filter(
      (soul) => !inBranch || oracle.changes.get(soul)?.kind === "created" || oracle.main.has(soul),
    );
    const rels = [...(inBranch ? oracle.branchRelView() : oracle.mainRelView()).keys()];
    const v = random.int(0, 1_000_000);
    const roll = random.next();
    if (beings.length === 0) return;
    if (roll < 0.3 || rels.length === 0) {
      const [src, dst] = [random.pick(beings), random.pick(beings)];
      const made = await store.relationships.create(
        relationshipCreateSchema.parse({ source_soul: src, target_soul: dst, attributes: { v }, ...(inBranch ? { branch } : {}) }),
      );
      oracle.ends.set(made.id, { src, dst });
      if (inBranch) oracle.relChanges.set(made.id, { kind: "created", v });
      else oracle.writeMainRel(made.id, v);
    } else if (roll < 0.8) {
      const id = random.pick(rels);
      await store.relationships.update(relationshipUpdateSchema.parse({ id, attributes: { v }, ...(inBranch ? { branch } : {}) }));
      if (inBranch) oracle.writeBranchRel(id, v);
      else oracle.writeMainRel(id, v);
    } else {
      const id = random.pick(rels);
      await store.relationships.delete(id, inBranch ? branch : undefined);
      if (inBranch) oracle.deleteBranchRel(id);
      else oracle.mainRels.delete(id);
    }
  }

  async function step(random: Random, oracle: Oracle, branch: string): Promise<void> {
    const inBranch = random.bool();
    if (random.next() < 0.45) return relStep(random, oracle, branch, inBranch);
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
      if (inBranch && oracle.changes.get(soul)?.kind === "created") oracle.dropRelsOf(soul, "branch");
      if (!inBranch) oracle.dropRelsOf(soul, "main");
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
      expect(sorted(await observedRels("main")), `main's relationships after step ${i}`).toEqual(sorted(oracle.mainRelView()));
      expect(sorted(await observedRels(id)), `branch's relationships after step ${i}`).toEqual(sorted(oracle.branchRelView()));
    }

    const preview = await store.branches.preview(id);
    expect(
      preview.items
        .filter((i) => i.conflict)
        .map((i) => i.soul)
        .sort(),
    ).toEqual(oracle.conflicts());
    expect(preview.items.map((i) => i.soul).sort()).toEqual([...oracle.changes.keys()].sort());
    expect(
      preview.relationships
        .filter((r) => r.conflict)
        .map((r) => r.id)
        .sort(),
    ).toEqual(oracle.relConflicts());
    expect(preview.relationships.map((r) => r.id).sort()).toEqual([...oracle.relChanges.keys()].sort());

    seen.conflicts += oracle.conflicts().length;
    seen.deletions += [...oracle.changes.values()].filter((c) => c.kind === "deleted").length;
    seen.relConflicts += oracle.relConflicts().length;
    seen.relDeletions += [...oracle.relChanges.values()].filter((c) => c.kind === "deleted").length;
    const resolutions: Record<string, Resolution> = Object.fromEntries(oracle.conflicts().map((soul) => [soul, random.pick(["ours", "theirs"] as const)]));
    const relationship_resolutions: Record<string, RelationshipResolution> = Object.fromEntries(
      oracle.relConflicts().map((rel) => [rel, random.pick(["ours", "theirs"] as const)]),
    );
    if (oracle.conflicts().length || oracle.relConflicts().length) {
      expect((await store.branches.merge(branchMergeSchema.parse({ branch: id }))).status).toBe("conflicts");
      expect(sorted(await observed("main"))).toEqual(sorted(oracle.mainView()));
      expect(sorted(await observedRels("main"))).toEqual(sorted(oracle.mainRelView()));
    }
    const result = await store.branches.merge(branchMergeSchema.parse({ branch: id, resolutions, relationship_resolutions }));
    expect(result.status).toBe("merged");
    expect(sorted(await observed("main"))).toEqual(sorted(oracle.merged(resolutions)));
    expect(sorted(await observedRels("main"))).toEqual(sorted(oracle.mergedRels(resolutions, relationship_resolutions)));
  });
});

import { describe, expect, it } from "vitest";
import { branchForkSchema } from "../../lib/branches/schemas";
import { EMBEDDING_DIMENSIONS } from "../../lib/constants";
import { isCoreSoul } from "../../lib/coreBeings";
import { createRandom, type Random } from "../../lib/random";
import { beingCreateSchema, beingListSchema, beingUpdateSchema, type Being, type BeingListInput } from "../../lib/schemas";
import type { MasterStore } from "./store";
import { testBackends, useFreshStore } from "./testing";

/**
 * Filtered, paged reads through nested read-through branches (main ← parent ← child) equal an
 * oracle: each view is its own changes over its parent's view. Exercises the branch read's paths
 * (the created_at index with a tag or energy filter, the fenced-off containment filter) with
 * cursors, tombstones, and base rows created in a branch that a child changed.
 */
const SEEDS = [21, 22, 23, 24, 25, 26];
const STEPS = 40;
const GROUPS = ["g0", "g1", "g2"];
const TAGS = ["red", "blue"];

interface Value {
  v: number;
  grp: string;
  tag: string;
}

/** One view: its own changes (undefined = deleted here) over its parent's view. */
class View {
  readonly own = new Map<string, Value | undefined>();
  constructor(readonly parent: View | null) {}

  all(): Map<string, Value> {
    const seen = this.parent ? this.parent.all() : new Map<string, Value>();
    for (const [soul, value] of this.own) {
      if (value) seen.set(soul, value);
      else seen.delete(soul);
    }
    return seen;
  }
}

type Filter = { name: string; input: Partial<BeingListInput>; keep: (value: Value, energy: number) => boolean };

function randomFilter(random: Random): Filter {
  const grp = random.pick(GROUPS);
  const tag = random.pick(TAGS);
  const min = random.int(0, 60);
  const filters: Filter[] = [
    { name: "none", input: {}, keep: () => true },
    { name: `attributes.grp=${grp}`, input: { attributes: { grp } }, keep: (x) => x.grp === grp },
    { name: `tags_all=${tag}`, input: { tags_all: [tag] }, keep: (x) => x.tag === tag },
    { name: `tag ${tag} and grp ${grp}`, input: { tags_any: [tag], attributes: { grp } }, keep: (x) => x.tag === tag && x.grp === grp },
    { name: `energy>=${min}`, input: { energy_min: min }, keep: (x, energy) => energy >= min },
  ];
  return random.pick(filters);
}

/** A being's energy follows its value, so an energy filter is checkable from the oracle. */
const energyOf = (v: number) => v % 100;

describe.each(testBackends())("filtered branch reads on $name (seeded)", (backend) => {
  let store: MasterStore;
  useFreshStore(backend, (opened) => (store = opened));

  /** Every page of a filtered list, followed by its cursors; checks the order across pages. */
  async function readAll(branch: string, filter: Filter, limit: number): Promise<Being[]> {
    const items: Being[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await store.beings.list(beingListSchema.parse({ ...filter.input, branch, limit, ...(cursor ? { cursor } : {}) }));
      items.push(...page.items);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    const keys = items.map((b) => `${b.created_at}|${b.soul}`);
    expect(keys, "pages run newest first without repeats").toEqual([...keys].sort().reverse());
    expect(new Set(keys).size).toBe(keys.length);
    return items.filter((b) => !isCoreSoul(b.soul) && !b.tags.includes("branch"));
  }

  it("shows the same beings in a branch as in main, embedding flag included, until the branch changes them", async () => {
    const embedding = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
    const withVector = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "vec" }, tags: ["red"], embedding }));
    const without = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "plain" }, tags: ["red"] }));
    const { id } = await store.branches.fork(branchForkSchema.parse({ name: "look" }), null);
    const page = (branch: string) => store.beings.list(beingListSchema.parse({ branch, tags_all: ["red"] }));
    expect((await page(id)).items).toEqual((await page("main")).items);
    expect((await page(id)).items.map((b) => [b.genesis["name"], b.has_embedding])).toEqual([
      ["plain", false],
      ["vec", true],
    ]);
    await store.beings.update(beingUpdateSchema.parse({ soul: without.soul, branch: id, attributes: { changed: true } }));
    const changed = (await page(id)).items.find((b) => b.soul === without.soul);
    expect(changed?.attributes).toEqual({ changed: true });
    expect((await page(id)).items.find((b) => b.soul === withVector.soul)).toEqual((await page("main")).items.find((b) => b.soul === withVector.soul));
  });

  it.each(SEEDS)("seed %i: every filtered page of main, a branch and its child equals the oracle", async (seed) => {
    const random = createRandom(seed);
    const main = new View(null);
    const parent = new View(main);
    const child = new View(parent);
    const { id: parentId } = await store.branches.fork(branchForkSchema.parse({ name: `parent ${seed}` }), null);
    const { id: childId } = await store.branches.fork(branchForkSchema.parse({ name: `child ${seed}`, parent: parentId }), null);
    const views = [
      { id: "main", view: main },
      { id: parentId, view: parent },
      { id: childId, view: child },
    ];
    const value = (): Value => ({ v: random.int(0, 10_000), grp: random.pick(GROUPS), tag: random.pick(TAGS) });
    const fields = (x: Value) => ({ attributes: { v: x.v, grp: x.grp }, tags: [x.tag], energy_level: energyOf(x.v) });

    for (let step = 0; step < STEPS; step++) {
      const { id, view } = random.pick(views);
      const branch = id === "main" ? {} : { branch: id };
      const visible = [...view.all().keys()];
      const roll = random.next();
      if (roll < 0.35 || visible.length === 0) {
        const x = value();
        const made = await store.beings.create(beingCreateSchema.parse({ genesis: { name: `b${step}` }, ...fields(x), ...branch }));
        view.own.set(made.soul, x);
      } else if (roll < 0.85) {
        const soul = random.pick(visible);
        const x = value();
        await store.beings.update(beingUpdateSchema.parse({ soul, ...fields(x), ...branch }));
        view.own.set(soul, x);
      } else {
        const soul = random.pick(visible);
        await store.beings.delete(soul, id === "main" ? undefined : id);
        // main's deletion removes the row (and so the base of every branch's view of it) unless a branch changed it.
        view.own.set(soul, undefined);
      }

      if (step % 4 !== 3) continue;
      for (const { id: at, view: seen } of views) {
        const filter = randomFilter(random);
        const limit = random.int(1, 4);
        const got = await readAll(at, filter, limit);
        const expected = [...seen.all()].filter(([, x]) => filter.keep(x, energyOf(x.v)));
        const label = `view ${at === "main" ? "main" : at === parentId ? "parent" : "child"}, ${filter.name}, limit ${limit}, after step ${step}`;
        expect(
          got.map((b) => [b.soul, Number(b.attributes["v"])]).sort(([a], [b]) => String(a).localeCompare(String(b))),
          label,
        ).toEqual(expected.map(([soul, x]) => [soul, x.v]).sort(([a], [b]) => String(a).localeCompare(String(b))));
      }
    }
  });
});

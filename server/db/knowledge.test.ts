import { describe, expect, it } from "vitest";
import { cosine, hashEmbed } from "../../lib/embed";
import { DEFAULT_MERGE_THRESHOLD, FACT_ENERGY_PER_CORROBORATION } from "../../lib/knowledge/constants";
import {
  knowledgeAskSchema,
  knowledgePullSchema,
  knowledgePushSchema,
  type FactInput,
  type KnowledgeAskInput,
  type KnowledgePullInput,
} from "../../lib/knowledge/contract";
import { createRandom } from "../../lib/random";
import { beingCreateSchema } from "../../lib/schemas";
import { derivedUuid } from "./applyFacts";
import type { MasterStore } from "./store";
import { testBackends, useFreshStore } from "./testing";

describe.each(testBackends())("knowledge on $name", (backend) => {
  let store: MasterStore;
  useFreshStore(backend, (opened) => (store = opened));

  const being = async (name: string) => (await store.beings.create(beingCreateSchema.parse({ genesis: { name } }))).soul;
  const fact = (source: string, text: string, extra: Partial<FactInput> = {}): FactInput => ({ id: crypto.randomUUID(), source, text, ...extra });
  const push = (facts: FactInput[]) => store.knowledge.push(knowledgePushSchema.parse({ facts }).facts);
  const ask = (input: KnowledgeAskInput) => {
    const { compose: _compose, ...search } = knowledgeAskSchema.parse(input);
    return store.knowledge.search(search);
  };
  const pull = (input: KnowledgePullInput = {}) => store.knowledge.pull(knowledgePullSchema.parse(input));
  const count = async (table: string) => (await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  const shares = async (a: string, b: string) => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const rows = await store.sql.query<{ energy_level: number; attributes: { shared_facts: number } }>(
      "SELECT energy_level, attributes FROM relationships WHERE source_soul = $1 AND target_soul = $2 AND tags @> '{shares-knowledge}'",
      [lo, hi],
    );
    return rows.length === 0 ? 0 : rows[0]!.attributes.shared_facts;
  };

  describe("push", () => {
    it("stores each fact as a being tagged fact, learned by its source", async () => {
      const ada = await being("Ada");
      const f = fact(ada, "Octopuses have three hearts.", { confidence: 0.9, learned_at: "2025-05-01T10:00:00.000Z" });
      const { acks } = await push([f]);
      expect(acks).toEqual([{ id: f.id, fact: f.id, status: "created", corroboration: 1 }]);
      const b = await store.beings.get(f.id);
      expect(b).toMatchObject({ tags: ["fact"], energy_level: FACT_ENERGY_PER_CORROBORATION, branches: ["main"], has_embedding: true });
      expect(b.genesis).toMatchObject({ name: "Octopuses have three hearts.", type: "fact" });
      expect(b.attributes).toMatchObject({ text: "Octopuses have three hearts.", confidence: 0.9, corroboration: 1, sources: [ada] });
      const rel = await store.relationships.get(derivedUuid("learned", ada, f.id));
      expect(rel).toMatchObject({ source_soul: ada, target_soul: f.id, tags: ["learned"] });
      expect(rel.attributes).toMatchObject({ times: 1, confidence: 0.9, first_learned: "2025-05-01T10:00:00.000Z" });
    });

    it("is idempotent by fact id: a replay answers the first acks and changes nothing", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      const batch = [fact(ada, "Bananas are berries."), fact(bob, "Bananas are berries!"), fact(ada, "Strawberries are not berries.")];
      const first = await push(batch);
      expect(first.acks.map((a) => a.status)).toEqual(["created", "merged", "created"]);
      const tables = ["base_beings", "relationships", "knowledge_facts", "knowledge_receipts"];
      const before = await Promise.all(tables.map(count));
      const headSeq = async () => (await store.sql.query<{ seq: number }>("SELECT max(change_seq)::int AS seq FROM knowledge_facts"))[0]!.seq;
      const seq = await headSeq();
      // Later facts corroborate meanwhile; the replay still answers what the first push answered.
      await push([fact(bob, "bananas are berries")]);
      expect(await push(batch)).toEqual(first);
      expect(await Promise.all(tables.map(count))).toEqual(before.map((n, i) => (tables[i] === "knowledge_receipts" ? n + 1 : n)));
      expect(await headSeq()).toBe(seq + 1);
    });

    it("merges a near-duplicate into the fact it repeats: sources and corroboration grow, energy rises", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      const original = fact(ada, "Water boils at 100 degrees Celsius at sea level.", { confidence: 0.6 });
      await push([original]);
      const repeat = fact(bob, "At sea level, water boils at 100 degrees Celsius.", { confidence: 0.9 });
      const { acks } = await push([repeat]);
      expect(acks).toEqual([{ id: repeat.id, fact: original.id, status: "merged", corroboration: 2 }]);
      const b = await store.beings.get(original.id);
      expect(b.energy_level).toBe(2 * FACT_ENERGY_PER_CORROBORATION);
      expect(b.attributes).toMatchObject({ text: original.text, corroboration: 2, confidence: 0.9, sources: [ada, bob] });
      expect(await count("knowledge_facts")).toBe(1);
      await expect(store.beings.get(repeat.id)).rejects.toMatchObject({ reason: "NOT_FOUND" });
      // The same being saying it again corroborates, but is not a new source.
      const again = await push([fact(ada, "water boils at 100 degrees celsius at sea level")]);
      expect(again.acks[0]).toMatchObject({ fact: original.id, status: "merged", corroboration: 3 });
      expect((await store.beings.get(original.id)).attributes).toMatchObject({ sources: [ada, bob] });
      expect((await store.relationships.get(derivedUuid("learned", ada, original.id))).attributes).toMatchObject({ times: 2 });
    });

    it("keeps facts apart that differ in a word that carries meaning", async () => {
      const ada = await being("Ada");
      const texts = ["The Eiffel Tower is in Paris.", "The Eiffel Tower is in Rome.", "The cat sat on the mat.", "The cat sat on the hat."];
      for (let i = 0; i < texts.length; i += 2) expect(cosine(hashEmbed(texts[i]!), hashEmbed(texts[i + 1]!))).toBeLessThan(DEFAULT_MERGE_THRESHOLD);
      const { acks } = await push(texts.map((t) => fact(ada, t)));
      expect(acks.map((a) => a.status)).toEqual(["created", "created", "created", "created"]);
    });

    it("merges duplicates within one batch with each other", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      const batch = [fact(ada, "Honey never spoils."), fact(bob, "Honey never spoils!"), fact(ada, "HONEY never spoils"), fact(bob, "Sharks predate trees.")];
      const { acks } = await push(batch);
      expect(acks.map((a) => [a.status, a.fact, a.corroboration])).toEqual([
        ["created", batch[0]!.id, 1],
        ["merged", batch[0]!.id, 2],
        ["merged", batch[0]!.id, 3],
        ["created", batch[3]!.id, 1],
      ]);
      expect(await shares(ada, bob)).toBe(1);
    });

    it("keeps branches apart", async () => {
      const ada = await being("Ada");
      const main = fact(ada, "Venus is the hottest planet.");
      const other = fact(ada, "Venus is the hottest planet.", { branch: "what-if" });
      const { acks } = await push([main, other]);
      expect(acks.map((a) => a.status)).toEqual(["created", "created"]);
      const [row] = await store.sql.query<{ branches: string[] }>("SELECT branches FROM base_beings WHERE soul = $1", [other.id]);
      expect(row!.branches).toEqual(["what-if"]);
      // main's view of beings does not show a fact learned in another branch.
      await expect(store.beings.get(other.id)).rejects.toThrow(/does not exist/);
    });

    it("weights shares-knowledge by the facts two beings both taught, growing with each new overlap", async () => {
      const [ada, bob, cy] = [await being("Ada"), await being("Bob"), await being("Cy")];
      const f1 = "Light takes eight minutes to reach the Earth from the Sun.";
      const f2 = "Mount Everest is the highest mountain above sea level.";
      await push([fact(ada, f1), fact(ada, f2)]);
      await push([fact(bob, f1)]);
      expect(await shares(ada, bob)).toBe(1);
      await push([fact(bob, f2), fact(bob, f2)]);
      expect(await shares(ada, bob)).toBe(2);
      await push([fact(cy, f1)]);
      expect([await shares(ada, cy), await shares(bob, cy), await shares(ada, bob)]).toEqual([1, 1, 2]);
      expect(await count("relationships")).toBe(2 + 2 + 1 + 3);
    });

    it("refuses a batch with a source that is no being, storing nothing", async () => {
      const ada = await being("Ada");
      const ghost = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
      await expect(push([fact(ada, "Kept only if all are."), fact(ghost, "Boo.")])).rejects.toMatchObject({
        reason: "MISSING_ENDPOINT",
        message: expect.stringMatching(/source 3f1c2a4e-.* is no being at the master.*Create the being first/),
      });
      expect(await count("knowledge_facts")).toBe(0);
      expect(await count("knowledge_receipts")).toBe(0);
    });

    it("refuses a fact with nothing to search by", async () => {
      const ada = await being("Ada");
      await expect(push([fact(ada, "?!…")])).rejects.toMatchObject({ reason: "INVALID", message: expect.stringMatching(/no letters or digits/) });
      await expect(push([fact(ada, "zero", { embedding: new Array<number>(384).fill(0) })])).rejects.toMatchObject({ reason: "INVALID" });
    });

    it("uses the embedding a being sent instead of embedding the text", async () => {
      const ada = await being("Ada");
      const v = Array.from(hashEmbed("Penguins live in the southern hemisphere."));
      const f = fact(ada, "A text that says something else entirely.", { embedding: v });
      await push([f]);
      const hits = await ask({ vector: v, k: 1 });
      expect(hits[0]).toMatchObject({ fact: f.id });
      expect(hits[0]!.similarity).toBeCloseTo(1, 5);
    });
  });

  describe("ask", () => {
    it("finds the nearest facts with their provenance and corroboration", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      const everest = fact(ada, "Mount Everest is the highest mountain on Earth.", { confidence: 0.8, learned_at: "2025-01-01T00:00:00.000Z" });
      await push([everest, fact(ada, "The Pacific is the largest ocean."), fact(ada, "Ants never sleep.")]);
      await push([fact(bob, "Mount Everest is the highest mountain on Earth!", { confidence: 0.9, learned_at: "2025-02-01T00:00:00.000Z" })]);
      const hits = await ask({ text: "What is the highest mountain on Earth?", k: 2 });
      expect(hits).toHaveLength(2);
      expect(hits[0]).toMatchObject({
        fact: everest.id,
        text: everest.text,
        corroboration: 2,
        confidence: expect.closeTo(0.9, 5) as number,
        first_learned: "2025-01-01T00:00:00.000Z",
        last_learned: "2025-02-01T00:00:00.000Z",
      });
      expect(hits[0]!.similarity).toBeGreaterThan(hits[1]!.similarity);
      expect(hits[0]!.sources).toEqual([
        { soul: bob, name: "Bob", learned_at: "2025-02-01T00:00:00.000Z", confidence: 0.9 },
        { soul: ada, name: "Ada", learned_at: "2025-01-01T00:00:00.000Z", confidence: 0.8 },
      ]);
    });

    it("filters by branch, confidence and source, and still returns k hits when it can", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      const facts = Array.from({ length: 30 }, (_, i) =>
        fact(i % 2 ? ada : bob, `River number ${i} flows into lake number ${i * 7}.`, { confidence: i % 3 ? 0.4 : 0.95 }),
      );
      await push(facts);
      await push([fact(ada, "River number 1 flows into lake number 7.", { branch: "dream", id: crypto.randomUUID() })]);
      const sure = await ask({ text: "river flows into lake", k: 5, min_confidence: 0.9 });
      expect(sure).toHaveLength(5);
      for (const h of sure) expect(h.confidence).toBeGreaterThanOrEqual(0.9);
      const bobs = await ask({ text: "river flows into lake", k: 10, sources: [bob] });
      expect(bobs).toHaveLength(10);
      for (const h of bobs) expect(h.sources.map((s) => s.soul)).toEqual([bob]);
      const dream = await ask({ text: "river flows into lake", k: 10, branch: "dream" });
      expect(dream.map((h) => h.text)).toEqual(["River number 1 flows into lake number 7."]);
      expect(await ask({ text: "???" })).toEqual([]);
    });
  });

  describe("pull", () => {
    it("pages through facts with a cursor that only moves forward, and brings a fact back when it changes", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      const facts = Array.from({ length: 5 }, (_, i) => fact(ada, `Fact number ${i} is about the number ${i * 11}.`));
      await push(facts);
      const first = await pull({ limit: 3 });
      expect(first.facts.map((f) => f.fact)).toEqual(facts.slice(0, 3).map((f) => f.id));
      expect(first.done).toBe(false);
      const second = await pull({ since: first.cursor, limit: 3 });
      expect(second.facts.map((f) => f.fact)).toEqual(facts.slice(3).map((f) => f.id));
      expect(second.done).toBe(true);
      const empty = await pull({ since: second.cursor });
      expect(empty).toEqual({ facts: [], cursor: second.cursor, done: true });
      // Bob corroborates fact 1: it comes again, with its new count, after the cursor.
      await push([fact(bob, "Fact number 1 is about the number 11!")]);
      const changed = await pull({ since: second.cursor });
      expect(changed.facts).toEqual([expect.objectContaining({ fact: facts[1]!.id, corroboration: 2, sources: [ada, bob], text: facts[1]!.text }) as unknown]);
      expect(changed.facts[0]).not.toHaveProperty("embedding");
    });

    it("leaves out facts only the asking being taught, without reading them again", async () => {
      const ada = await being("Ada");
      const bob = await being("Bob");
      await push([fact(ada, "Ada's own fact about glaciers."), fact(bob, "Bob's fact about deserts.")]);
      const page = await pull({ except_source: ada, embeddings: true });
      expect(page.facts.map((f) => f.text)).toEqual(["Bob's fact about deserts."]);
      expect(page.facts[0]!.embedding).toHaveLength(384);
      await push([fact(ada, "Ada's second fact about volcanoes.")]);
      const next = await pull({ since: page.cursor, except_source: ada });
      expect(next.facts).toEqual([]);
      expect(next.cursor).not.toBe(page.cursor);
      expect(await pull({ since: next.cursor })).toMatchObject({ facts: [], done: true });
    });

    it("refuses a cursor it did not give out", async () => {
      await expect(pull({ since: "not-a-cursor" })).rejects.toMatchObject({ reason: "INVALID", message: expect.stringMatching(/since: null/) });
    });
  });

  describe("concurrency", () => {
    it("applies racing pushes of the same facts exactly once, and racing near-duplicates into one fact", async () => {
      const beings = await Promise.all(["A", "B", "C", "D"].map(being));
      const batch = beings.map((s, i) => fact(s, `Concurrent fact ${i}: the moon has no atmosphere to speak of.`));
      const results = await Promise.all(Array.from({ length: 5 }, () => push(batch)));
      for (const r of results) expect(r).toEqual(results[0]);
      const dupes = await Promise.all(beings.map((s) => push([fact(s, "Racing beings all learn that snow is cold.")])));
      expect(new Set(dupes.map((d) => d.acks[0]!.fact)).size).toBe(1);
      expect(dupes.map((d) => d.acks[0]!.corroboration).sort()).toEqual([1, 2, 3, 4]);
    });
  });

  describe("fuzz against an exact oracle", () => {
    const topics = ["apples", "rivers", "comets", "violins", "glaciers", "bees", "deserts", "volcanoes"];
    // Same words in other case and punctuation (always one fact), a word more or less and another order (near the threshold).
    const variants = (t: string) => [
      `Many ${t} are older than people think.`,
      `many ${t} are older than people think`,
      `Many ${t} are much older than people think.`,
      `People think many ${t} are younger than they are.`,
      `Some ${t} are older than people think.`,
    ];

    for (const seed of [1, 2, 3]) {
      it(`seed ${seed}: every id applied once, clusters and counts as the oracle says`, async () => {
        const rnd = createRandom(seed);
        const souls = await Promise.all(["A", "B", "C"].map(being));
        const sent: FactInput[] = [];
        const oracle: { vector: Float32Array; count: number; sources: Set<string> }[] = [];
        const seen = new Set<string>();
        const acked = new Map<string, string>();
        for (let round = 0; round < 12; round++) {
          const batch: FactInput[] = [];
          for (let i = rnd.int(1, 6); i > 0; i--) {
            if (sent.length > 0 && rnd.bool(0.25)) batch.push(rnd.pick(sent));
            else {
              const f = fact(rnd.pick(souls), rnd.pick(variants(rnd.pick(topics))));
              sent.push(f);
              batch.push(f);
            }
          }
          const { acks } = await push(batch);
          batch.forEach((f, i) => {
            expect(acks[i]!.id).toBe(f.id);
            if (acked.has(f.id)) expect(acks[i]!.fact).toBe(acked.get(f.id));
            acked.set(f.id, acks[i]!.fact);
            if (seen.has(f.id)) return;
            seen.add(f.id);
            const v = hashEmbed(f.text);
            let best: (typeof oracle)[number] | undefined;
            let bestSim = DEFAULT_MERGE_THRESHOLD;
            for (const c of oracle) {
              const s = cosine(c.vector, v);
              if (s >= bestSim) [best, bestSim] = [c, s];
            }
            if (best) {
              best.count += 1;
              best.sources.add(f.source);
            } else oracle.push({ vector: v, count: 1, sources: new Set([f.source]) });
          });
        }
        const rows = await store.sql.query<{ corroboration: number; sources: string[] }>(
          "SELECT corroboration, sources::text[] AS sources FROM knowledge_facts",
        );
        expect(rows.length).toBe(oracle.length);
        const key = (count: number, sources: Iterable<string>) => `${count}:${[...sources].sort().join(",")}`;
        expect(rows.map((r) => key(r.corroboration, r.sources)).sort()).toEqual(oracle.map((c) => key(c.count, c.sources)).sort());
        expect(await count("knowledge_receipts")).toBe(seen.size);
      });
    }
  });
});

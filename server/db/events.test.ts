import { describe, expect, it } from "vitest";
import { createEvent } from "../../lib/events";
import { MAX_EVENTS_PUSH_BYTES } from "../../lib/knowledge/constants";
import { eventsPushSchema, LEARNED_EVENT_TYPE, type EventsPushInput } from "../../lib/knowledge/contract";
import { beingCreateSchema } from "../../lib/schemas";
import type { MasterStore } from "./store";
import { testBackends, useFreshStore } from "./testing";

describe.each(testBackends())("event ingest on $name", (backend) => {
  let store: MasterStore;
  useFreshStore(backend, (opened) => (store = opened));

  const push = (events: EventsPushInput["events"]) => store.events.push(eventsPushSchema.parse({ events }).events);
  const being = async (name: string) => (await store.beings.create(beingCreateSchema.parse({ genesis: { name } }))).soul;
  const decision = (source: string, n: number) =>
    createEvent({
      type: "being.decision",
      source,
      data: { layer: "reflex", decision: `step-${n}`, rationale: "the next step", alternatives: [], confidence: 0.5 },
    });
  const learned = (source: string, text: string, extra: Record<string, unknown> = {}) =>
    createEvent({ type: LEARNED_EVENT_TYPE, source, data: { text, confidence: 0.8, ...extra } });
  const count = async (table: string) => (await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  it("logs a batch in order with rising global sequence numbers", async () => {
    const soul = await being("Ada");
    const batch = Array.from({ length: 5 }, (_, i) => decision(soul, i));
    const { acks } = await push(batch);
    expect(acks.map((a) => a.id)).toEqual(batch.map((e) => e.id));
    const seqs = acks.map((a) => a.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(5);
    const next = await push([decision(soul, 6)]);
    expect(next.acks[0]!.seq).toBeGreaterThan(seqs.at(-1)!);
    const [row] = await store.sql.query<{ envelope: { data: { decision: string } }; source: string; type: string }>(
      "SELECT envelope, source, type FROM events WHERE id = $1",
      [batch[2]!.id],
    );
    expect(row).toMatchObject({ source: soul, type: "being.decision", envelope: { data: { decision: "step-2" } } });
  });

  it("is idempotent: a replayed batch changes nothing and answers the same acks", async () => {
    const soul = await being("Ada");
    const batch = [decision(soul, 1), learned(soul, "Honey never spoils."), decision(soul, 2)];
    const first = await push(batch);
    const before = { events: await count("events"), beings: await count("base_beings"), relationships: await count("relationships") };
    const again = await push(batch);
    expect(again).toEqual(first);
    // A batch that mixes old and new events logs only the new ones, and each old one keeps its sequence.
    const mixed = await push([batch[1]!, decision(soul, 3), batch[0]!]);
    expect(mixed.acks[0]).toEqual(first.acks[1]);
    expect(mixed.acks[2]).toEqual(first.acks[0]);
    // Replays use up no sequence numbers: the log has no gaps.
    expect(mixed.acks[1]!.seq).toBe(first.acks[2]!.seq + 1);
    expect(await count("events")).toBe(before.events + 1);
    expect(await count("base_beings")).toBe(before.beings);
    expect(await count("relationships")).toBe(before.relationships);
  });

  it("answers one ack per event even when an event appears twice in one batch", async () => {
    const soul = await being("Ada");
    const e = decision(soul, 1);
    const { acks } = await push([e, decision(soul, 2), e]);
    expect(acks[0]).toEqual(acks[2]);
    expect(await count("events")).toBe(2);
  });

  it("applies knowledge.learned events as facts, in the same transaction", async () => {
    const ada = await being("Ada");
    const event = learned(ada, "The Moon orbits the Earth every 27.3 days.", { branch: "main" });
    const { acks } = await push([event]);
    expect(acks[0]!.fact).toEqual({ id: event.id, fact: event.id, status: "created", corroboration: 1 });
    const fact = await store.beings.get(event.id);
    expect(fact.tags).toEqual(["fact"]);
    expect(fact.attributes).toMatchObject({ text: "The Moon orbits the Earth every 27.3 days.", confidence: 0.8, sources: [ada], corroboration: 1 });
    const rels = await store.sql.query<{ tags: string[] }>("SELECT tags FROM relationships WHERE source_soul = $1 AND target_soul = $2", [ada, event.id]);
    expect(rels).toEqual([{ tags: ["learned"] }]);
  });

  it("logs a learned event whose source is no being, skips its fact and says why — the same on replay", async () => {
    const ghost = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
    const fromGhost = learned(ghost, "Ghosts know things.");
    const fromMaster = learned("master", "The master knows things.");
    const first = await push([fromGhost, fromMaster]);
    expect(first.acks[0]!.fact_skipped).toMatch(/source 3f1c2a4e-.* is no being at the master/);
    expect(first.acks[1]!.fact_skipped).toMatch(/source master is not a being's soul/);
    expect(first.acks[0]!.fact).toBeUndefined();
    expect(await count("events")).toBe(2);
    expect(await count("knowledge_facts")).toBe(0);
    await store.beings.create(beingCreateSchema.parse({ soul: ghost, genesis: { name: "Late" } }));
    expect(await push([fromGhost, fromMaster])).toEqual(first);
    expect(await count("knowledge_facts")).toBe(0);
  });

  it("refuses a learned event whose data is not a fact, naming it, and stores nothing", async () => {
    const soul = await being("Ada");
    const bad = createEvent({ type: LEARNED_EVENT_TYPE, source: soul, data: { text: "", confidence: 3 } });
    await expect(push([decision(soul, 1), bad])).rejects.toMatchObject({ reason: "INVALID", message: expect.stringContaining(`Event ${bad.id}`) });
    expect(await count("events")).toBe(0);
  });

  it("refuses a batch over the size limit with a sentence that says to split it", async () => {
    const soul = await being("Ada");
    const blob = "x".repeat(60 * 1024);
    const events = Array.from({ length: Math.ceil(MAX_EVENTS_PUSH_BYTES / blob.length) + 1 }, () =>
      createEvent({ type: "custom.blob", source: soul, data: { blob } }),
    );
    await expect(push(events)).rejects.toMatchObject({ reason: "INVALID", message: expect.stringMatching(/send it in smaller batches/) });
    expect(await count("events")).toBe(0);
  });

  it("stores exactly once when the same batch races itself (a retry after a timeout)", async () => {
    const soul = await being("Ada");
    const batch = [
      ...Array.from({ length: 50 }, (_, i) => decision(soul, i)),
      ...Array.from({ length: 10 }, (_, i) => learned(soul, `Racing fact number ${i} is true.`)),
    ];
    const results = await Promise.all(Array.from({ length: 6 }, () => push(batch)));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await count("events")).toBe(60);
    expect(await count("knowledge_facts")).toBe(10);
    expect(await count("knowledge_receipts")).toBe(10);
    const [row] = await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM relationships WHERE source_soul = $1", [soul]);
    expect(row?.n).toBe(10);
  });

  it("keeps the log's order in the order batches committed when pushes race", async () => {
    const soul = await being("Ada");
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 20 }, (_, i) => decision(soul, b * 100 + i)));
    const results = await Promise.all(batches.map((batch) => push(batch)));
    for (const { acks } of results) {
      const seqs = acks.map((a) => a.seq);
      // One batch is one contiguous run of the log: no other batch's events interleave with it.
      expect(seqs.at(-1)! - seqs[0]!).toBe(seqs.length - 1);
    }
    const all = results.flatMap((r) => r.acks.map((a) => a.seq));
    expect(new Set(all).size).toBe(160);
  });
});

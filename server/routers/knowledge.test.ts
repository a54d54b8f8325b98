import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEvent } from "../../lib/events";
import { LEARNED_EVENT_TYPE, MAX_EVENTS_PER_PUSH } from "../../lib/knowledge/contract";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { resetStore } from "../db/testing";
import { closedPort, completion, startFakeOpenAi } from "../llm/testing";
import { createCaller } from "../root";
import { createContext } from "../trpc";
import { failure } from "./testing";

describe("the events and knowledge routers", () => {
  let store: MasterStore;
  let api: ReturnType<typeof createCaller>;
  let ada: string;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    api = createCaller(createContext(store));
  });
  afterAll(() => store.close());
  beforeEach(async () => {
    await resetStore(store);
    ada = (await api.beings.create({ genesis: { name: "Ada" } })).soul;
  });

  it("events.push acknowledges each event with its sequence, and a learned event with its fact", async () => {
    const said = createEvent({ type: "being.message", source: ada, data: { to: "master", text: "hello" } });
    const learned = createEvent({ type: LEARNED_EVENT_TYPE, source: ada, data: { text: "Glass is an amorphous solid." } });
    const { acks } = await api.events.push({ events: [said, learned] });
    expect(acks).toEqual([
      { id: said.id, seq: expect.any(Number) as number },
      { id: learned.id, seq: acks[0]!.seq + 1, fact: { id: learned.id, fact: learned.id, status: "created", corroboration: 1 } },
    ]);
    expect(await api.events.push({ events: [learned, said] })).toEqual({ acks: [acks[1], acks[0]] });
  });

  it("events.push refuses invalid envelopes and oversized batches with sentences that say what to do", async () => {
    const good = createEvent({ type: "being.message", source: ada, data: { to: "master", text: "hi" } });
    const bad = await failure(api.events.push({ events: [{ ...good, id: "nope" }] }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toMatch(/^Invalid input — events\.0\.id: id must be a UUID v4 or v7/);
    const many = Array.from({ length: MAX_EVENTS_PER_PUSH + 1 }, () => good);
    expect((await failure(api.events.push({ events: many }))).message).toMatch(/send at most 1000 events per push; split the batch/);
    const notAFact = createEvent({ type: LEARNED_EVENT_TYPE, source: ada, data: { confidence: 0.5 } });
    const refused = await failure(api.events.push({ events: [notAFact] }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(/data is not a fact \(data\.text: /);
  });

  it("knowledge.push refuses a source that is no being, as a bad request naming it", async () => {
    const ghost = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
    const error = await failure(api.knowledge.push({ facts: [{ id: crypto.randomUUID(), text: "Boo.", source: ghost }] }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(`source ${ghost} is no being at the master`);
  });

  it("knowledge.ask answers from the hits with the deterministic reasoner, citing them", async () => {
    await api.knowledge.push({
      facts: [
        { id: crypto.randomUUID(), text: "The Danube flows into the Black Sea.", source: ada },
        { id: crypto.randomUUID(), text: "Bees communicate by dancing.", source: ada },
      ],
    });
    const out = await api.knowledge.ask({ text: "Where does the Danube flow?", k: 2 });
    expect(out.answered_by).toBe("deterministic-v1");
    expect(out.answer).toMatch(/^The Danube flows into the Black Sea\. \[1\]/);
    expect(out.answer).toMatch(/taught by Ada/);
    expect(out.hits[0]).toMatchObject({ text: "The Danube flows into the Black Sea.", sources: [{ soul: ada, name: "Ada" }] });
    expect(out.took_ms).toBeGreaterThan(0);
    expect(await api.knowledge.ask({ text: "Where does the Danube flow?", compose: false })).toMatchObject({ answer: "", answered_by: "" });
    const nothing = await api.knowledge.ask({ text: "!!!" });
    expect(nothing).toMatchObject({ answer: "", hits: [] });
  });

  it("knowledge.ask lets the configured model compose, and falls back to the deterministic answer when it fails", async () => {
    await api.knowledge.push({ facts: [{ id: crypto.randomUUID(), text: "The Danube flows into the Black Sea.", source: ada }] });
    const fake = await startFakeOpenAi();
    try {
      fake.answer = (_req, res) => completion(res, "Into the Black Sea [1].");
      const viaModel = createCaller(createContext(store, { reasoning: { llm: { url: fake.url, timeoutMs: 5_000, model: "tiny" } } }));
      const answered = await viaModel.knowledge.ask({ text: "Where does the Danube flow?" });
      expect(answered).toMatchObject({ answered_by: "openai_compatible:tiny" });
      expect(answered.answer).toMatch(/^Into the Black Sea \[1\]\./);
      expect(answered).not.toHaveProperty("note");
      const prompt = JSON.stringify(fake.seen.at(-1)?.body);
      expect(prompt).toContain("The Danube flows into the Black Sea.");
    } finally {
      await fake.close();
    }
    const broken = createCaller(createContext(store, { reasoning: { llm: { url: `http://127.0.0.1:${await closedPort()}/v1`, timeoutMs: 5_000 } } }));
    const fallback = await broken.knowledge.ask({ text: "Where does the Danube flow?" });
    expect(fallback.answered_by).toBe("deterministic-v1");
    expect(fallback.answer).toMatch(/^The Danube flows into the Black Sea\. \[1\]/);
    expect(fallback.note).toMatch(/^openai_compatible could not compose the answer \(.+\); the deterministic reasoner did\.$/);
  });

  it("knowledge.pull pages with a cursor and refuses one it did not give out", async () => {
    await api.knowledge.push({ facts: [{ id: crypto.randomUUID(), text: "Granite is an igneous rock.", source: ada }] });
    const page = await api.knowledge.pull({});
    expect(page).toMatchObject({ facts: [{ text: "Granite is an igneous rock.", sources: [ada] }], done: true });
    expect(await api.knowledge.pull({ since: page.cursor })).toEqual({ facts: [], cursor: page.cursor, done: true });
    const error = await failure(api.knowledge.pull({ since: "bogus" }));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { hashEmbed } from "../../lib/embed";
import { parseEvent, seededRandomBytes } from "../../lib/events";
import { LEARNED_EVENT_TYPE, learnedFactDataSchema } from "../../lib/knowledge/contract";
import { MicroWorld, MicroWorldError, type IdSource } from "./microWorld";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const opened: MicroWorld[] = [];

async function world(ids?: IdSource): Promise<MicroWorld> {
  const w = await MicroWorld.createInMemory(SOUL, ids);
  opened.push(w);
  return w;
}

afterEach(() => {
  for (const w of opened.splice(0)) w.close();
});

function outbox(w: MicroWorld): unknown[] {
  return w.peek(10_000, Number.MAX_SAFE_INTEGER).map((e) => JSON.parse(e.envelope) as unknown);
}

function factRows(w: MicroWorld): { text: string; eventId: string; source: string; confidence: number }[] {
  return w
    .query("SELECT text, event_id, source, confidence FROM facts ORDER BY id")
    .rows.map(([text, eventId, source, confidence]) => ({
      text: String(text),
      eventId: String(eventId),
      source: String(source),
      confidence: Number(confidence),
    }));
}

describe("MicroWorld.learnMany", () => {
  it("writes N facts and N outbox events that parse as knowledge.learned envelopes from this being", async () => {
    const w = await world();
    let nudges = 0;
    w.onOutbox = () => (nudges += 1);
    const items = Array.from({ length: 250 }, (_, i) => ({
      text: `  fact number ${i} about the sea  `,
      source: i % 2 ? "lux" : "teach",
      confidence: (i % 10) / 10,
    }));
    const ids = w.learnMany(items);

    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(w.counts()).toMatchObject({ facts: 250, outbox: 250 });
    expect(w.factCount).toBe(250);
    expect(nudges).toBe(1);

    const events = outbox(w).map((raw) => {
      const parsed = parseEvent(raw);
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value;
    });
    expect(events.map((e) => e.id)).toEqual(ids);
    events.forEach((e, i) => {
      expect(e).toMatchObject({ type: LEARNED_EVENT_TYPE, source: SOUL, subject: items[i]!.source, branch: "main" });
      expect(e.data).toEqual({ text: `fact number ${i} about the sea`, confidence: (i % 10) / 10 });
      expect(learnedFactDataSchema.safeParse(e.data).success).toBe(true);
    });
    const facts = factRows(w);
    expect(facts.map((f) => f.eventId)).toEqual(ids);
    expect(facts[3]).toEqual({ text: "fact number 3 about the sea", eventId: ids[3], source: "lux", confidence: 0.3 });
  });

  it("stores a given embedding as it is, and embeds the text itself otherwise", async () => {
    const w = await world();
    const given = new Float32Array(384).fill(0.5);
    // a view into a larger buffer, as a cached vector may be
    const backing = new Float32Array(384 * 3);
    backing.set(hashEmbed("the second fact"), 384);
    w.learnMany([
      { text: "the first fact", source: "lux", confidence: 0.8, embedding: given },
      { text: "the second fact", source: "lux", confidence: 0.8, embedding: backing.subarray(384, 768) },
      { text: "the third fact", source: "lux", confidence: 0.8 },
    ]);
    const byText = new Map(w.factVectors(10).map((f) => [f.text, f.embedding]));
    expect(byText.get("the first fact")).toEqual(given);
    expect(byText.get("the second fact")).toEqual(hashEmbed("the second fact"));
    expect(byText.get("the third fact")).toEqual(hashEmbed("the third fact"));
  });

  it("refuses a bad item before writing anything, naming it", async () => {
    const w = await world();
    const good = { text: "a good fact", source: "teach", confidence: 0.9 };
    expect(() => w.learnMany([good, { ...good, text: "   " }, good])).toThrow(/item 2 of 3/);
    expect(() => w.learnMany([good, { ...good, embedding: new Float32Array(3) }])).toThrow(MicroWorldError);
    expect(w.counts()).toMatchObject({ facts: 0, outbox: 0 });
    expect(w.factCount).toBe(0);
  });

  it("writes nothing when storage fails part-way through a batch", async () => {
    // NOTE: a fixed clock and repeating random bytes make the third event id collide with the first: a real
    // constraint failure inside the transaction, after two facts and their events were already inserted.
    const bytes = seededRandomBytes(4);
    let calls = 0;
    const ids: IdSource = {
      now: () => new Date("2026-01-01T00:00:00.000Z"),
      randomBytes: (n) => {
        calls += 1;
        return calls === 7 ? seededRandomBytes(4)(n) : bytes(n);
      },
    };
    const w = await world(ids);
    let nudges = 0;
    w.onOutbox = () => (nudges += 1);
    const items = ["one", "two", "three", "four"].map((text) => ({ text, source: "teach", confidence: 0.9 }));
    expect(() => w.learnMany(items)).toThrow(MicroWorldError);
    expect(w.counts()).toMatchObject({ facts: 0, outbox: 0 });
    expect(w.factCount).toBe(0);
    expect(nudges).toBe(0);
  });

  it("joins an enclosing write: a later failure there takes the batch back too", async () => {
    const w = await world();
    expect(() =>
      w.write(() => {
        w.learnMany([{ text: "kept only if the step commits", source: "lux", confidence: 0.8 }]);
        throw new Error("the step failed");
      }),
    ).toThrow(/the step failed/);
    expect(w.counts()).toMatchObject({ facts: 0, outbox: 0 });
  });

  it("learn is a batch of one and answers its event id", async () => {
    const w = await world();
    const id = w.learn("water boils at 100 °C at sea level", "teach", 7);
    const [event] = outbox(w);
    expect(event).toMatchObject({ id, data: { text: "water boils at 100 °C at sea level", confidence: 1 } });
    expect(factRows(w)).toEqual([{ text: "water boils at 100 °C at sea level", eventId: id, source: "teach", confidence: 1 }]);
  });
});

import { describe, expect, it } from "vitest";
import { createEvent, createTrustedEvent, EventError } from "./createEvent";
import { EVENT_ENVELOPE_VERSION, isEventType, parseEvent, traceOf } from "./eventEnvelope";
import { newEventId, newSpanId, newTraceId, pooledRandomBytes, seededRandomBytes } from "./ids";

const SOUL = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
const NOW = new Date("2025-03-01T12:00:00.000Z");
const clock = () => NOW;

const decision = {
  layer: "supervision" as const,
  decision: "start_plan",
  rationale: "the goal with the highest priority is pending",
  alternatives: [{ option: "goal-2", reason: "lower priority" }],
  confidence: 0.75,
};

describe("createEvent", () => {
  it("fills the envelope: a UUID v7 id, the time, the versions, main branch and a new trace", () => {
    const event = createEvent({ type: "being.decision", source: SOUL, data: decision, now: clock, randomBytes: seededRandomBytes(1) });
    expect(event).toMatchObject({ specversion: "1.0", envelopeversion: EVENT_ENVELOPE_VERSION, type: "being.decision", source: SOUL, branch: "main" });
    expect(event.time).toBe("2025-03-01T12:00:00.000Z");
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(event.id.replace(/-/g, "").slice(0, 12), 16)).toBe(NOW.getTime());
    expect(event.traceid).toMatch(/^[0-9a-f]{32}$/);
    expect(event.spanid).toMatch(/^[0-9a-f]{16}$/);
    expect(event).not.toHaveProperty("parentspanid");
    expect(event).not.toHaveProperty("subject");
    expect(event.data.confidence).toBe(0.75);
  });

  it("makes a child span in the parent's trace", () => {
    const parent = createEvent({ type: "being.decision", source: SOUL, data: decision });
    const child = createEvent({ type: "being.message", source: SOUL, data: { to: "master", text: "done" }, trace: traceOf(parent) });
    expect(child.traceid).toBe(parent.traceid);
    expect(child.parentspanid).toBe(parent.spanid);
    expect(child.spanid).not.toBe(parent.spanid);
  });

  it("is reproducible with an injected clock and random source", () => {
    const make = () =>
      createEvent({
        type: "system.signal",
        source: "master",
        subject: "pause",
        branch: "exp-1",
        data: { signal: "pause" },
        now: clock,
        randomBytes: seededRandomBytes(7),
      });
    expect(make()).toEqual(make());
    expect(make().branch).toBe("exp-1");
  });

  it("refuses to make an invalid event, naming the field", () => {
    const bad = (input: Parameters<typeof createEvent>[0]) => () => createEvent(input);
    expect(bad({ type: "Being Decision", source: SOUL, data: {} })).toThrow(EventError);
    expect(bad({ type: "being.decision", source: SOUL, data: { ...decision, confidence: 2 } })).toThrow(/data\.confidence: confidence is between 0 and 1/);
    expect(bad({ type: "being.message", source: "nobody", data: { to: "master", text: "hi" } })).toThrow(/source: must be a being's soul/);
    expect(bad({ type: "custom.blob", source: SOUL, data: { blob: "x".repeat(70_000) } })).toThrow(/more than 64 KB/);
    const error = (() => {
      try {
        createEvent({ type: "custom.thing", source: "room:", data: {} });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EventError);
    expect(error).toMatchObject({ reason: "invalid_event", name: "EventError" });
  });
});

describe("parseEvent", () => {
  const valid = () => createEvent({ type: "being.decision", source: SOUL, data: decision, now: clock, randomBytes: seededRandomBytes(3) });

  it("accepts what createEvent makes, after a JSON round trip", () => {
    const event = valid();
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual({ ok: true, value: event });
  });

  it("fills the default branch and lower-cases ids and souls", () => {
    const { branch: _branch, ...rest } = valid();
    const result = parseEvent({ ...rest, id: rest.id.toUpperCase(), source: SOUL.toUpperCase() });
    expect(result.ok && result.value).toMatchObject({ branch: "main", id: rest.id, source: SOUL });
  });

  it("accepts any dotted type with any JSON object as data, and checks the known ones", () => {
    expect(parseEvent({ ...valid(), type: "lux.program.step", data: { line: 3 } }).ok).toBe(true);
    const wrong = parseEvent({ ...valid(), data: { layer: "cortex", decision: "x", rationale: "", alternatives: [], confidence: 1 } });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.issues[0]).toMatch(/^data\.layer: /);
  });

  it("explains every problem in words", () => {
    const result = parseEvent({ ...valid(), envelopeversion: 2, time: "2025-03-01T13:00:00+01:00", traceid: "0".repeat(32), extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.reason).toBe("invalid_event");
    expect(result.error.message).toMatch(/^not a valid event: /);
    const text = result.error.issues.join("\n");
    expect(text).toMatch(/envelopeversion: envelopeversion must be 1/);
    expect(text).toMatch(/time: time must be an ISO 8601 UTC time/);
    expect(text).toMatch(/traceid: traceid cannot be all zeros/);
    expect(text).toMatch(/extra/);
  });

  it("refuses data that is not plain JSON, without throwing", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const cases: [unknown, RegExp][] = [
      [null, /must be a JSON object/],
      [[1, 2], /must be a JSON object/],
      [{ when: new Date() }, /data\.when is a Date/],
      [{ n: Number.NaN }, /data\.n is NaN/],
      [{ n: 10n }, /data\.n is a bigint/],
      [{ f: () => 1 }, /data\.f is a function/],
      [cyclic, /nested deeper than 32/],
      [deep, /nested deeper than 32/],
    ];
    for (const [data, message] of cases) {
      const result = parseEvent({ ...valid(), type: "custom.data", data });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(message);
    }
    for (const input of [undefined, null, 42, "event", [], new Map()]) expect(parseEvent(input).ok).toBe(false);
  });

  it("narrows by type", () => {
    const result = parseEvent(valid());
    if (result.ok && isEventType(result.value, "being.decision")) expect(result.value.data.layer).toBe("supervision");
    else expect.unreachable("a decision event");
  });
});

describe("ids", () => {
  it("makes W3C trace and span ids that are never all zero", () => {
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    const zeros = (length: number) => new Uint8Array(length);
    expect(newTraceId(zeros)).toBe("0".repeat(31) + "1");
    expect(newSpanId(zeros)).toBe("0".repeat(15) + "1");
  });

  it("makes UUID v7 ids that sort by time and refuses impossible times", () => {
    const ids = [0, 1, 255, 256, 1_700_000_000_000, 2 ** 48 - 1].map((ms) => newEventId(new Date(ms)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 100 }, () => newEventId(NOW))).size).toBe(100);
    expect(() => newEventId(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => newEventId(new Date(-1))).toThrow(RangeError);
  });
});

describe("createTrustedEvent", () => {
  it("builds exactly the envelope createEvent would, byte for byte, and it parses", () => {
    const input = { type: "being.decision", source: SOUL, subject: "plan:7", data: decision, now: clock } as const;
    const checked = createEvent({ ...input, randomBytes: seededRandomBytes(9) });
    const trusted = createTrustedEvent({ ...input, randomBytes: seededRandomBytes(9) });
    expect(JSON.stringify(trusted)).toBe(JSON.stringify(checked));
    expect(parseEvent(JSON.parse(JSON.stringify(trusted)))).toEqual({ ok: true, value: checked });
  });

  it("does not validate: what the caller vouches for is what it gets", () => {
    const event = createTrustedEvent({ type: "Not A Type", source: SOUL, data: {} });
    expect(parseEvent(event).ok).toBe(false);
  });
});

describe("pooledRandomBytes", () => {
  it("hands out the source's bytes in order, each once, drawing a block at a time", () => {
    let draws = 0;
    const source = (n: number) => (draws++, seededRandomBytes(5)(n));
    const expected = seededRandomBytes(5)(64);
    const pooled = pooledRandomBytes(source, 64);
    const got = [pooled(10), pooled(16), pooled(8), pooled(30)];
    expect(Buffer.concat(got)).toEqual(Buffer.from(expected));
    expect(draws).toBe(1);
    // a request that does not fit what is left starts a new block; one bigger than a block goes to the source
    expect(pooled(10)).toHaveLength(10);
    expect(pooled(100)).toHaveLength(100);
    expect(draws).toBe(3);
  });

  it("makes distinct ids with real randomness", () => {
    const pooled = pooledRandomBytes();
    expect(new Set(Array.from({ length: 2_000 }, () => newEventId(NOW, pooled))).size).toBe(2_000);
  });
});

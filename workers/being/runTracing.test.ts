import { afterEach, describe, expect, it } from "vitest";
import { parseEvent, parseTraceparent, type EventEnvelope } from "../../lib/events";
import { LuxRunner } from "./LuxRunner";
import { MicroWorld } from "./microWorld";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const CHILD = "0190f1e2-7c3a-7b4d-9e5f-00000000c41d";
const opened: MicroWorld[] = [];
afterEach(() => {
  for (const w of opened.splice(0)) w.close();
});

const PROGRAM = `RUN python """
result = 6 * 7
""" AS answer
SUMMON "helper" WITH {program: ""} AS worker
REPORT "the answer is " + answer TO master`;

/** A Lux run in a being, its master and sandbox faked: what each call was sent, and every event the run left in the outbox. */
async function traced(request: { trace?: string } = {}) {
  const world = await MicroWorld.createInMemory(SOUL);
  opened.push(world);
  const calls: { path: string; traceparent: string | undefined }[] = [];
  const master = {
    read: (path: string, _input: unknown, _signal?: AbortSignal, traceparent?: string) => (calls.push({ path, traceparent }), Promise.resolve({ items: [] })),
    mutation: (path: string, _input: unknown, _signal?: AbortSignal, traceparent?: string) => {
      calls.push({ path, traceparent });
      return Promise.resolve(path === "beings.create" ? { soul: CHILD, genesis: { name: "helper" } } : { id: "r1" });
    },
  };
  const runner = new LuxRunner(
    SOUL,
    "tester",
    () => world,
    () => Promise.resolve({ value: 42, ms: 3 }),
    master,
  );
  const view = await runner.run({ source: PROGRAM, ...request }, () => undefined);
  const events = world.peek(10_000, Number.MAX_SAFE_INTEGER).map((e): EventEnvelope => {
    const parsed = parseEvent(JSON.parse(e.envelope));
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  });
  return { world, view, calls, events };
}

describe("a Lux run in a being is one trace", () => {
  it("links the run, its steps, the sandbox call, the master calls (as traceparent headers) and the facts it reported", async () => {
    const { world, view, calls, events } = await traced();
    expect(view.ok).toBe(true);
    const root = events.find((e) => e.type === "lux.start")!;
    expect(view.traceid).toBe(root.traceid);
    expect(events.every((e) => e.traceid === root.traceid)).toBe(true);

    const byType = (type: string) => events.filter((e) => e.type === type);
    expect(byType("lux.step").every((e) => e.parentspanid === root.spanid)).toBe(true);
    expect(byType("sandbox.call")).toEqual([
      expect.objectContaining({ parentspanid: root.spanid, data: expect.objectContaining({ kind: "python", ok: true }) }),
    ]);

    // every master call went with a traceparent naming its own span, a child of the run
    const masterCalls = byType("lux.master_call");
    expect(masterCalls.map((e) => e.data["path"])).toEqual(["beings.create", "relationships.create"]);
    expect(calls.map((c) => c.path)).toEqual(["beings.create", "relationships.create"]);
    calls.forEach((call, i) => {
      expect(parseTraceparent(call.traceparent)).toEqual({ traceid: root.traceid, spanid: masterCalls[i]!.spanid });
      expect(masterCalls[i]!.parentspanid).toBe(root.spanid);
    });
    // the span names the being the call created, so the timeline finds the master write it made
    expect(masterCalls[0]!.data).toMatchObject({ soul: CHILD, ok: true, duration_ms: expect.any(Number) });

    // the reported fact is a span of the run, and its micro-world commit recorded the run's trace
    const learned = byType("knowledge.learned");
    expect(learned).toHaveLength(1);
    expect(learned[0]!.parentspanid).toBe(root.spanid);
    const recorded = world.journalHistory(10).moments.find((m) => m.tables.includes("facts"))!;
    expect(parseTraceparent(recorded.trace)).toEqual({ traceid: root.traceid, spanid: root.spanid });
    expect(world.trace).toBeNull();
  });

  it("continues the caller's trace when the request names one", async () => {
    const caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const { events } = await traced({ trace: caller });
    const root = events.find((e) => e.type === "lux.start")!;
    expect(root).toMatchObject({ traceid: "4bf92f3577b34da6a3ce929d0e0e4736", parentspanid: "00f067aa0ba902b7" });
    expect(events.every((e) => e.traceid === root.traceid)).toBe(true);
  });
});

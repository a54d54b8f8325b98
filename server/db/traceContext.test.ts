import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, formatTraceparent, traceOf } from "../../lib/events";
import { createCaller } from "../root";
import { createContext } from "../trpc";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";

// The trace of a request reaches the writes it makes: a being's worker sends `traceparent` with each master call of
// a Lux run, and the being journal records it, so the run's trace shows the master write (issue 9).
describe.each(testBackends())("traced writes on $name", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await backend.dispose(store);
  });

  const traceOfWrites = async (soul: string) =>
    (await store.sql.query<{ op: string; trace: string | null }>("SELECT op, trace FROM being_journal WHERE soul = $1 ORDER BY seq", [soul])).map((r) => [
      r.op,
      r.trace,
    ]);

  it("records a request's traceparent on every write it makes, and nothing on untraced ones", async () => {
    // a run's root (lux.start) and the master call it made (its span is the call's traceparent)
    const start = createEvent({ type: "lux.start", source: "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f", data: {} });
    const call = createEvent({ type: "lux.master_call", source: start.source, trace: traceOf(start), data: { path: "beings.create" } });
    const traceparent = formatTraceparent(call);
    const traced = createCaller(createContext(store, { traceparent }));
    const plain = createCaller(createContext(store));

    const summoned = await traced.beings.create({ genesis: { name: "Summoned" }, tags: ["lux"] });
    await traced.beings.update({ soul: summoned.soul, attributes: { mood: "curious" } });
    await plain.beings.update({ soul: summoned.soul, attributes: { mood: "bored" } });
    expect(await traceOfWrites(summoned.soul)).toEqual([
      ["I", traceparent],
      ["U", traceparent],
      ["U", null],
    ]);

    // the waterfall's query: the trace's events name the being, so its traced writes come with them
    await plain.events.push({ events: [start, { ...call, data: { path: "beings.create", soul: summoned.soul } }] });
    const answer = await plain.timeline.trace({ trace: start.traceid });
    expect(answer.items.map((i) => i.event.type)).toEqual(["lux.start", "lux.master_call"]);
    expect(answer.writes.map((w) => [w.soul, w.op, w.traceparent])).toEqual([
      [summoned.soul, "I", traceparent],
      [summoned.soul, "U", traceparent],
    ]);
  });

  it("keeps writes of concurrent requests apart", async () => {
    const a = formatTraceparent(traceOf(createEvent({ type: "lux.start", source: "master", data: {} })));
    const b = formatTraceparent(traceOf(createEvent({ type: "lux.start", source: "master", data: {} })));
    const [x, y] = await Promise.all([
      createCaller(createContext(store, { traceparent: a })).beings.create({ genesis: { name: "A" } }),
      createCaller(createContext(store, { traceparent: b })).beings.create({ genesis: { name: "B" } }),
    ]);
    expect(await traceOfWrites(x.soul)).toEqual([["I", a]]);
    expect(await traceOfWrites(y.soul)).toEqual([["I", b]]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, traceOf, type EventEnvelope } from "../../lib/events";
import { seededRandomBytes } from "../../lib/events/ids";
import { createRandom } from "../../lib/random";
import { branchForkSchema, branchMergeSchema } from "../../lib/branches/schemas";
import { beingCreateSchema, beingUpdateSchema, relationshipCreateSchema } from "../../lib/schemas";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";

const ROOM = "8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

/** A scripted swarm's log: decisions with the steps they triggered (one trace each), messages to a room, signals. */
function scriptedLog(seed: number, souls: readonly string[], count: number): EventEnvelope[] {
  const rng = createRandom(seed);
  const randomBytes = seededRandomBytes(seed);
  let clock = Date.parse("2026-01-01T00:00:00.000Z");
  const now = () => new Date((clock += rng.int(1, 5_000)));
  const out: EventEnvelope[] = [];
  while (out.length < count) {
    const source = rng.pick(souls);
    const branch = rng.bool(0.2) ? "exp-1" : "main";
    const decision = createEvent({
      type: "being.decision",
      source,
      branch,
      now,
      randomBytes,
      data: {
        layer: rng.pick(["reflex", "situation", "supervision"] as const),
        decision: `act-${out.length}`,
        rationale: "the plan says so",
        alternatives: [{ option: "wait", reason: "nothing urgent" }],
        confidence: rng.next(),
        memory_ids: [`fact-${rng.int(0, 9)}`],
      },
    });
    out.push(decision);
    const step = createEvent({
      type: "lux.step",
      source,
      branch,
      now,
      randomBytes,
      trace: traceOf(decision),
      data: { line: rng.int(1, 20), duration_ms: rng.int(1, 40) },
    });
    out.push(step);
    if (rng.bool(0.5))
      out.push(createEvent({ type: "sandbox.call", source, branch, now, randomBytes, trace: traceOf(step), data: { fn: "score", duration_ms: 12 } }));
    if (rng.bool(0.4))
      out.push(createEvent({ type: "being.message", source, branch, now, randomBytes, trace: traceOf(decision), data: { to: `room:${ROOM}`, text: "done" } }));
    if (rng.bool(0.1)) out.push(createEvent({ type: "system.signal", source: "master", now, randomBytes, data: { signal: "wake", reason: "new goal" } }));
  }
  return out;
}

describe.each(testBackends())("the timeline on $name", (backend) => {
  let store: MasterStore;
  let fresh: MasterStore;
  const souls = ["3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f", "4a2d3b5f-9c8e-4d4b-8a3f-2b3c4d5e6f70"];
  let log: EventEnvelope[];
  /** Beings whose record, branch versions and relationships changed after the log was written. */
  let changed: string[];
  let branch: string;
  beforeAll(async () => {
    store = await backend.open();
    fresh = await backend.open();
    log = scriptedLog(11, souls, 400);
    for (let i = 0; i < log.length; i += 97) await store.events.push(log.slice(i, i + 97));
  });
  // NOTE: a hook of its own (with its own time limit): opening two stores is the slow part on a busy machine.
  beforeAll(async () => {
    const [a, b, c] = await Promise.all(["Ada", "Bo", "Cy"].map((n) => store.beings.create(beingCreateSchema.parse({ genesis: { name: n } }))));
    await store.relationships.create(relationshipCreateSchema.parse({ source_soul: a!.soul, target_soul: b!.soul, tags: ["knows"] }));
    const ca = await store.relationships.create(relationshipCreateSchema.parse({ source_soul: c!.soul, target_soul: a!.soul, tags: ["likes"] }));
    for (let i = 0; i < 5; i++) await store.beings.update(beingUpdateSchema.parse({ soul: a!.soul, energy_level: i, attributes: { batch: i } }));
    const fork = await store.branches.fork(branchForkSchema.parse({ name: "What if" }), null);
    branch = fork.id;
    await store.beings.update(beingUpdateSchema.parse({ soul: a!.soul, branch, memories: { dream: "flight" } }));
    await store.beings.delete(b!.soul, branch);
    const d = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Dee" }, branch }));
    await store.relationships.create(relationshipCreateSchema.parse({ source_soul: d.soul, target_soul: a!.soul, branch }));
    await store.beings.update(beingUpdateSchema.parse({ soul: c!.soul, branch, energy_level: 5 }));
    expect((await store.branches.merge(branchMergeSchema.parse({ branch }))).status).toBe("merged");
    // the merge deleted Bo in main, and its relationship with Ada went with it; this one goes by hand
    await store.relationships.delete(ca.id);
    changed = [a!.soul, b!.soul, c!.soul, d.soul];
  });
  afterAll(async () => {
    await backend.dispose(fresh);
    await backend.dispose(store);
  });

  const all = async (s: MasterStore, filter: Parameters<MasterStore["timeline"]["query"]>[0]) => {
    const items: { seq: number; event: EventEnvelope }[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await s.timeline.query(filter, { before, limit: 37 });
      items.push(...page.items);
      if (page.next_before === null) return items;
      before = page.next_before;
    }
  };

  it("pages through the whole log newest first, each event once", async () => {
    const items = await all(store, {});
    expect(items.map((i) => i.event.id)).toEqual(log.map((e) => e.id).reverse());
    const seqs = items.map((i) => i.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  });

  it("filters by being, room, branch, type, type family, trace and time, combined", async () => {
    const [ada] = souls;
    const check = async (filter: Parameters<MasterStore["timeline"]["query"]>[0], keep: (e: EventEnvelope) => boolean) => {
      const got = (await all(store, filter)).map((i) => i.event.id);
      const want = log
        .filter(keep)
        .map((e) => e.id)
        .reverse();
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(got, JSON.stringify(filter)).toEqual(want);
    };
    await check({ being: ada }, (e) => e.source === ada);
    await check({ room: ROOM }, (e) => e.type === "being.message");
    await check({ branch: "exp-1" }, (e) => e.branch === "exp-1");
    await check({ type: "being.decision" }, (e) => e.type === "being.decision");
    await check({ type: "being.*" }, (e) => e.type.startsWith("being."));
    const trace = log[10]!.traceid;
    await check({ trace }, (e) => e.traceid === trace);
    const from = log[100]!.time;
    const to = log[200]!.time;
    await check({ from, to, being: ada, type: "lux.step" }, (e) => e.time >= from && e.time < to && e.source === ada && e.type === "lux.step");
  });

  it("answers a trace in log order and tails what arrives after a seq", async () => {
    const trace = log[0]!.traceid;
    const items = await store.timeline.trace(trace);
    expect(items.map((i) => i.event.id)).toEqual(log.filter((e) => e.traceid === trace).map((e) => e.id));

    const head = await store.timeline.head();
    expect(await store.timeline.tail({}, { after: head, limit: 10, waitMs: 0 })).toEqual([]);
    const late = createEvent({ type: "system.signal", source: "master", data: { signal: "pause" } });
    const waiting = store.timeline.tail({ type: "system.signal" }, { after: head, limit: 10, waitMs: 5_000 });
    setTimeout(() => void store.events.push([late]), 100);
    const got = await waiting;
    expect(got.map((i) => i.event.id)).toEqual([late.id]);
    expect(got[0]!.seq).toBeGreaterThan(head);
  });

  it("refuses an import with a bad line, storing nothing and naming the line", async () => {
    const good = (await store.timeline.export({}, { format: "cloudevents", after: 0, limit: 2 })).body as string;
    const result = await fresh.timeline.import(`${good}{"specversion":"1.0","id":"nope"}\nnot json\n`);
    expect(result.imported).toBe(0);
    expect(result.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(result.problems[0]!.message).toMatch(/not a valid event: id/);
    expect(await fresh.timeline.head()).toBe(0);
  });

  const exportAll = async (s: MasterStore, journal: boolean) => {
    let ndjson = "";
    let after = 0;
    for (;;) {
      const page = await s.timeline.export({}, { format: "cloudevents", after, limit: 150, journal });
      ndjson += page.body as string;
      if (page.next_after === null) return ndjson;
      after = page.next_after;
    }
  };

  it("exports the log and the journal as CloudEvents NDJSON, and a fresh master that imports them shows the same timeline and the same pasts", async () => {
    const events = await exportAll(store, false);
    const journal = await exportAll(store, true);
    const ndjson = events + journal;
    const lines = events.trimEnd().split("\n");
    const journalLines = journal.trimEnd().split("\n");
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ specversion: "1.0", datacontenttype: "application/json", id: log[0]!.id });
    expect(first["traceparent"]).toBe(`00-${log[0]!.traceid}-${log[0]!.spanid}-01`);
    const kinds = journalLines.map((l) => {
      const e = JSON.parse(l) as { type: string; data: { journal: string; layer?: string } };
      expect(e.type).toBe("master.journal");
      return e.data.layer ?? e.data.journal;
    });
    expect(new Set(kinds)).toEqual(new Set(["base", "version", "relationship"]));
    // an entry exported twice is the same event
    expect(await exportAll(store, true)).toBe(journal);

    const result = await fresh.timeline.import(ndjson);
    expect(result).toEqual({ imported: lines.length + journalLines.length, journal_entries: journalLines.length, already_logged: 0, problems: [] });
    const original = (await all(store, {})).map((i) => i.event);
    const imported = (await all(fresh, {})).map((i) => i.event);
    expect(imported).toEqual(original);
    // every being's past, in main and in the branch, is the same at every moment of its history
    const noSeq = <T extends { seq: number }>({ seq: _s, ...rest }: T) => rest;
    for (const soul of changed) {
      const history = await store.timeTravel.beingHistory(soul, { limit: 1000 });
      expect((await fresh.timeTravel.beingHistory(soul, { limit: 1000 })).map(noSeq), soul).toEqual(history.map(noSeq));
      expect(history.length).toBeGreaterThan(0);
      for (const { at } of history) {
        for (const where of ["main", branch]) {
          const { seq: _a, snapshot_seq: _b, ...then } = await store.timeTravel.beingAt(soul, where, { at });
          const { seq: _c, snapshot_seq: _d, ...again } = await fresh.timeTravel.beingAt(soul, where, { at });
          expect(again, `${soul} in ${where} at ${at}`).toEqual(then);
        }
      }
    }
    // importing again changes nothing
    expect(await fresh.timeline.import(ndjson)).toEqual({
      imported: 0,
      journal_entries: 0,
      already_logged: lines.length + journalLines.length,
      problems: [],
    });
    expect((await all(fresh, {})).length).toBe(original.length);
    // re-exported from the fresh master, a being's journal entries are the same events
    const ids = async (s: MasterStore) =>
      ((await s.timeline.export({ being: changed[0]! }, { format: "cloudevents", after: 0, limit: 1000, journal: true })).body as string)
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { id: string; traceparent: string })
        .map((e) => `${e.id} ${e.traceparent}`);
    expect(await ids(fresh)).toEqual(await ids(store));
  });

  it("exports a being's journal as OTLP spans, one per entry", async () => {
    const page = await store.timeline.export({ being: changed[0]! }, { format: "otlp", after: 0, limit: 500, journal: true });
    const body = page.body as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
    const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans.length).toBe(page.count);
    expect(spans.length).toBe((await store.timeTravel.beingHistory(changed[0]!, { limit: 1000 })).length);
  });

  it("exports a trace as OTLP/JSON with the decision's span covering the steps it triggered", async () => {
    const trace = log[0]!.traceid;
    const page = await store.timeline.export({ trace }, { format: "otlp", after: 0, limit: 100 });
    const body = page.body as {
      resourceSpans: { scopeSpans: { spans: { spanId: string; parentSpanId?: string; startTimeUnixNano: string; endTimeUnixNano: string }[] }[] }[];
    };
    const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans).toHaveLength(log.filter((e) => e.traceid === trace).length);
    const root = spans.find((s) => !s.parentSpanId)!;
    for (const s of spans) expect(BigInt(root.endTimeUnixNano) >= BigInt(s.endTimeUnixNano)).toBe(true);
  });
});

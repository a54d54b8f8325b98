import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, formatTraceparent, parseTraceparent, traceOf } from "../../lib/events";
import { eventsPushSchema, LEARNED_EVENT_TYPE } from "../../lib/knowledge/contract";
import { createRandom } from "../../lib/random";
import { randomObject } from "../../lib/randomJson";
import { beingCreateSchema, beingUpdateSchema, type Being } from "../../lib/schemas";
import { SNAPSHOT_EVERY } from "../../lib/timeline/constants";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";
import { roomView, type RoomView } from "./timeTravel";

const SEEDS = [2, 17, 901];

describe.each(testBackends())("time travel on $name", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await backend.dispose(store);
  });

  const journalHead = async () => (await store.sql.query<{ seq: number }>("SELECT coalesce(max(seq), 0)::float8 AS seq FROM being_journal"))[0]!.seq;
  const journalCount = async (soul: string) =>
    (await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM being_journal WHERE soul = $1", [soul]))[0]!.n;

  it.each(SEEDS)("rebuilds every being exactly as it was at random moments of a scripted run (seed %i)", async (seed) => {
    const rng = createRandom(seed);
    const alive = new Set<string>();
    const known: string[] = [];
    const recorded: { seq: number; at: string; soul: string; real: Being | null }[] = [];
    const name = () => `being-${rng.int(0, 1_000_000)}`;
    for (let step = 0; step < 160; step++) {
      const roll = rng.next();
      if (alive.size === 0 || roll < 0.12) {
        const b = await store.beings.create(
          beingCreateSchema.parse({
            genesis: { name: name() },
            tags: [rng.pick(["a", "b", "c"])],
            energy_level: rng.int(0, 99),
            attributes: randomObject(rng, 2, true),
          }),
        );
        alive.add(b.soul);
        known.push(b.soul);
      } else if (roll < 0.18 && alive.size > 1) {
        const soul = rng.pick([...alive]);
        await store.beings.delete(soul);
        alive.delete(soul);
      } else {
        const soul = rng.pick([...alive]);
        const field = rng.pick(["tags", "energy_level", "attributes", "memories", "genesis", "branches", "self_awareness"] as const);
        const patch =
          field === "tags"
            ? { tags: rng.bool() ? ["x", rng.pick(["y", "z"])] : [] }
            : field === "energy_level"
              ? { energy_level: rng.int(-50, 500) }
              : field === "genesis"
                ? { genesis: { name: name(), mood: rng.pick(["calm", "busy", null]) } }
                : field === "branches"
                  ? { branches: rng.bool() ? ["main", "exp-1"] : ["main"] }
                  : { [field]: { [`k${rng.int(0, 4)}`]: rng.bool(0.2) ? null : { v: rng.int(0, 9), s: name() } } };
        await store.beings.update(beingUpdateSchema.parse({ soul, ...patch }));
      }
      if (rng.bool(0.3)) {
        const soul = rng.pick(known);
        const seq = await journalHead();
        const [row] = await store.sql.query<{ at: string }>(
          `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM being_journal WHERE seq = $1`,
          [seq],
        );
        recorded.push({ seq, at: row!.at, soul, real: alive.has(soul) ? await store.beings.get(soul) : null });
      }
    }
    expect(recorded.length).toBeGreaterThan(20);
    for (const { seq, at, soul, real } of recorded) {
      expect((await store.timeTravel.beingAt(soul, "main", { seq })).being, `seed ${seed}, seq ${seq}`).toEqual(real);
      expect((await store.timeTravel.beingAt(soul, "main", { at })).being, `seed ${seed}, at ${at}`).toEqual(real);
    }
  });

  it("replays from snapshots once the janitor made them, with the same answers and a bounded replay", async () => {
    const b = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Busy" } }));
    const moments: { seq: number; real: Being }[] = [];
    for (let i = 0; i < SNAPSHOT_EVERY * 2 + 40; i++) {
      await store.beings.update(beingUpdateSchema.parse({ soul: b.soul, energy_level: i, attributes: { step: i, [`k${i % 7}`]: i } }));
      if (i % 37 === 0) moments.push({ seq: await journalHead(), real: await store.beings.get(b.soul) });
    }
    const before = await Promise.all(moments.map((m) => store.timeTravel.beingAt(b.soul, "main", { seq: m.seq })));
    expect(await store.timeTravel.checkpoint(new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(2);
    const snaps = await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM timeline_snapshots WHERE kind = 'being' AND key = $1", [b.soul]);
    expect(snaps[0]!.n).toBe(2);
    for (const [i, m] of moments.entries()) {
      const after = await store.timeTravel.beingAt(b.soul, "main", { seq: m.seq });
      expect(after.being).toEqual(m.real);
      expect(after.being).toEqual(before[i]!.being);
      expect(after.replayed).toBeLessThanOrEqual(SNAPSHOT_EVERY);
    }
    const now = await store.timeTravel.beingAt(b.soul, "main", {});
    expect(now.being).toEqual(await store.beings.get(b.soul));
    expect(now.replayed).toBeLessThanOrEqual(SNAPSHOT_EVERY);
  });

  it("restores a being to a moment as a new version, keeping every earlier one", async () => {
    const b = await store.beings.create(
      beingCreateSchema.parse({ genesis: { name: "Phoenix", era: 1 }, tags: ["young"], attributes: { a: 1, keep: { x: 1 } } }),
    );
    const first = await journalHead();
    const past = await store.beings.get(b.soul);
    await store.beings.update(
      beingUpdateSchema.parse({ soul: b.soul, genesis: { era: 2, scar: "deep" }, tags: ["old"], energy_level: 90, attributes: { a: null, b: 2 } }),
    );
    const changed = await store.beings.get(b.soul);
    const entries = await journalCount(b.soul);

    const { being, restored_from } = await store.timeTravel.restoreBeing(b.soul, "main", { seq: first });
    expect(restored_from).toBe(first);
    const { updated_at: _u1, ...wanted } = past;
    const { updated_at: _u2, ...got } = being;
    expect(got).toEqual(wanted);
    expect(await journalCount(b.soul)).toBe(entries + 1);
    // history is intact: the changed version can still be rebuilt, and restoring to it works too
    const history = await store.timeTravel.beingHistory(b.soul, { limit: 10 });
    expect(history.map((h) => h.op)).toEqual(["changed", "changed", "created"]);
    expect((await store.timeTravel.beingAt(b.soul, "main", { seq: history[1]!.seq })).being).toEqual(changed);
    expect(history[0]!.fields.sort()).toEqual(["attributes", "energy_level", "genesis", "tags"]);
  });

  it("puts a fact's creation at the master into the trace of the event that taught it", async () => {
    const teacher = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Teacher" } }));
    const decision = createEvent({
      type: "being.decision",
      source: teacher.soul,
      data: { layer: "situation", decision: "share", rationale: "worth knowing", alternatives: [], confidence: 0.9 },
    });
    const learned = createEvent({
      type: LEARNED_EVENT_TYPE,
      source: teacher.soul,
      trace: traceOf(decision),
      data: { text: "Owls hunt at night.", confidence: 0.8 },
    });
    const { acks } = await store.events.push(eventsPushSchema.parse({ events: [decision, learned] }).events);
    const fact = acks[1]!.fact!.fact;
    const history = await store.timeTravel.beingHistory(fact, { limit: 5 });
    const created = history.find((h) => h.layer === "base" && h.op === "created");
    // the learned relationship is part of the being's history too, in the same trace
    expect(history.find((h) => h.layer === "relationship")).toMatchObject({ op: "created", relationship: { peer: teacher.soul } });
    expect(created).toMatchObject({ op: "created", trace: formatTraceparent(learned) });
    expect(parseTraceparent(created!.trace)?.traceid).toBe(decision.traceid);
  });

  it("journals a branch rewrite in one transaction the same whichever row goes first", async () => {
    const b = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Forked" }, branches: ["main", "exp"] }));
    // a change that only moves branches is a whole-row image; the being leaves exp
    await store.beings.update(beingUpdateSchema.parse({ soul: b.soul, branches: ["main"] }));
    const at = await store.timeTravel.beingAt(b.soul, "exp", {});
    expect(at.being).toBeNull();
    expect(at.branches).toEqual(["main"]);
    const earlier = await store.timeTravel.beingAt(b.soul, "exp", { seq: at.seq - 1 });
    expect(earlier.being?.genesis).toEqual({ name: "Forked" });
  });

  it("rebuilds a room's document at any moment, and restores it into a new room", async () => {
    const room = await store.rooms.create({ name: "Workshop", owner: "ada" });
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    const rng = createRandom(5);
    const recorded: { seq: number; view: RoomView }[] = [];
    for (let i = 0; i < 60; i++) {
      const roll = rng.next();
      if (roll < 0.5) doc.getArray("messages").push([{ id: `m${i}`, text: `hello ${i}` }]);
      else if (roll < 0.75) doc.getMap("missions").set(`mission-${rng.int(0, 3)}`, { title: `t${i}` });
      else doc.getText("notes").insert(0, `n${i} `);
      let seq = 0;
      for (const u of updates.splice(0)) seq = await store.rooms.appendUpdate(room.id, u);
      if (rng.bool(0.3)) {
        const [row] = await store.sql.query<{ seq: number }>("SELECT max(seq)::float8 AS seq FROM room_history WHERE room = $1", [room.id]);
        recorded.push({ seq: row!.seq, view: roomView(doc) });
      }
      expect(seq).toBeGreaterThan(0);
    }
    // the live log's compaction does not touch history
    const live = await store.rooms.loadUpdates(room.id);
    await store.rooms.compact(room.id, Y.encodeStateAsUpdate(doc), live.lastSeq);
    for (const r of recorded) expect((await store.timeTravel.roomAt(room.id, { seq: r.seq })).view).toEqual(r.view);
    expect((await store.timeTravel.roomAt(room.id, {})).view).toEqual(roomView(doc));

    const pick = recorded[Math.floor(recorded.length / 2)]!;
    const copy = await store.timeTravel.restoreRoom(room.id, { seq: pick.seq }, "ada");
    expect(copy.name).toMatch(/^Workshop \(as of /);
    expect((await store.timeTravel.roomAt(copy.room, {})).view).toEqual(pick.view);
    expect((await store.timeTravel.roomAt(room.id, {})).view).toEqual(roomView(doc));
  });
});

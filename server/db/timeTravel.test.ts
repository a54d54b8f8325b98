import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, formatTraceparent, parseTraceparent, traceOf } from "../../lib/events";
import { eventsPushSchema, LEARNED_EVENT_TYPE } from "../../lib/knowledge/contract";
import { createRandom } from "../../lib/random";
import { randomObject } from "../../lib/randomJson";
import { branchForkSchema, branchMergeSchema } from "../../lib/branches/schemas";
import { beingCreateSchema, beingUpdateSchema, relationshipCreateSchema, type Being, type Relationship } from "../../lib/schemas";
import { SNAPSHOT_EVERY } from "../../lib/timeline/constants";
import { StoreError } from "./errors";
import { RELATIONSHIP_COLUMNS } from "./sql";
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

  /** The last entry of either journal (they share one sequence). */
  const journalHead = async () =>
    (
      await store.sql.query<{ seq: number }>(
        "SELECT greatest((SELECT max(seq) FROM being_journal), (SELECT max(seq) FROM relationship_journal), 0)::float8 AS seq",
      )
    )[0]!.seq;
  const journalCount = async (soul: string) =>
    (await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM being_journal WHERE soul = $1", [soul]))[0]!.n;
  /** Every entry about a being: its rows, its versions and the relationships touching it. */
  const journalCountAll = async (soul: string) =>
    (
      await store.sql.query<{ n: number }>(
        "SELECT ((SELECT count(*) FROM being_journal WHERE soul = $1) + (SELECT count(*) FROM relationship_journal WHERE $1 IN (source_soul, target_soul)))::int AS n",
        [soul],
      )
    )[0]!.n;
  /** The relationships touching a being that a branch sees now, as the API shows them. */
  const realRelationships = async (soul: string, visible: readonly string[]) =>
    store.sql.query<Relationship>(
      `SELECT ${RELATIONSHIP_COLUMNS} FROM relationships WHERE (source_soul = $1 OR target_soul = $1) AND branches && $2::text[] ORDER BY id::text`,
      [soul, visible],
    );
  const beingIn = async (soul: string, branch: string) => {
    try {
      return await store.beings.get(soul, branch);
    } catch (error) {
      if (error instanceof StoreError && error.reason === "NOT_FOUND") return null;
      throw error;
    }
  };
  /** Runs a write that the script picked at random; a being that is not there (deleted, or not visible in the branch) is no failure. */
  const attempt = async (write: () => Promise<unknown>) => {
    try {
      await write();
      return true;
    } catch (error) {
      // NOTE: CONFLICT: relating, in a branch, a being main deleted after the branch changed it (the store says to merge first).
      if (error instanceof StoreError && (error.reason === "NOT_FOUND" || error.reason === "MISSING_ENDPOINT" || error.reason === "CONFLICT")) return false;
      throw error;
    }
  };

  it.each(SEEDS)(
    "rebuilds every being in every branch, with its relationships, exactly as it was at random moments of a scripted run (seed %i)",
    async (seed) => {
      const rng = createRandom(seed);
      const alive = new Set<string>();
      const known: string[] = [];
      const rels: string[] = [];
      /** Every branch forked so far (merged and dropped ones stay: their past is still there to rebuild). */
      const branches: { id: string; visible: readonly string[] }[] = [{ id: "main", visible: ["main"] }];
      const open: string[] = [];
      const happened = { fork: 0, branchWrite: 0, branchDelete: 0, merge: 0, drop: 0, relationship: 0, relationshipChange: 0 };
      const recorded: { seq: number; at: string; soul: string; branch: string; real: Being | null; relationships: Relationship[] }[] = [];
      const name = () => `being-${rng.int(0, 1_000_000)}`;
      const fork = async () => {
        const b = await store.branches.fork(branchForkSchema.parse({ name: name(), isolation: rng.bool(0.8) ? "read-through" : "isolated" }), null);
        branches.push({ id: b.id, visible: b.visible });
        open.push(b.id);
        happened.fork++;
      };
      const merge = async (id: string) => {
        let result = await store.branches.merge(branchMergeSchema.parse({ branch: id }));
        if (result.status === "conflicts") {
          const resolutions = Object.fromEntries(result.conflicts.map((c) => [c.soul, rng.pick(["ours", "theirs"] as const)]));
          result = await store.branches.merge(branchMergeSchema.parse({ branch: id, resolutions }));
        }
        expect(result.status).toBe("merged");
        open.splice(open.indexOf(id), 1);
        happened.merge++;
      };
      for (let step = 0; step < 200; step++) {
        const roll = rng.next();
        const branch = open.length > 0 && rng.bool(0.4) ? rng.pick(open) : "main";
        if (alive.size === 0 || roll < 0.1) {
          const b = await store.beings.create(
            beingCreateSchema.parse({
              genesis: { name: name() },
              tags: [rng.pick(["a", "b", "c"])],
              energy_level: rng.int(0, 99),
              attributes: randomObject(rng, 2, true),
              ...(branch === "main" ? {} : { branch }),
            }),
          );
          if (branch === "main") alive.add(b.soul);
          known.push(b.soul);
        } else if (roll < 0.14 && alive.size > 1) {
          const soul = rng.pick(known);
          if (await attempt(() => store.beings.delete(soul, branch))) {
            if (branch === "main") alive.delete(soul);
            else happened.branchDelete++;
          }
        } else if (roll < 0.18 && open.length < 3) {
          await fork();
        } else if (roll < 0.2 && open.length > 0) {
          await merge(rng.pick(open));
        } else if (roll < 0.215 && open.length > 0) {
          const id = rng.pick(open);
          await store.branches.drop(id);
          open.splice(open.indexOf(id), 1);
          happened.drop++;
        } else if (roll < 0.32 && known.length > 1) {
          const [source, target] = [rng.pick(known), rng.pick(known)];
          const created = await attempt(async () => {
            const r = await store.relationships.create(
              relationshipCreateSchema.parse({
                source_soul: source,
                target_soul: target,
                tags: [rng.pick(["knows", "likes"])],
                energy_level: rng.int(0, 9),
                ...(branch === "main" ? {} : { branch }),
              }),
            );
            rels.push(r.id);
          });
          if (created) happened.relationship++;
        } else if (roll < 0.38 && rels.length > 0) {
          const id = rng.pick(rels);
          if (rng.bool(0.5)) await attempt(() => store.relationships.delete(id));
          else {
            // any writer of the table is journaled, not only the relationships repository
            await store.sql.query("UPDATE relationships SET energy_level = $2, attributes = attributes || $3::jsonb, updated_at = now() WHERE id = $1", [
              id,
              rng.int(0, 99),
              JSON.stringify({ [`k${rng.int(0, 3)}`]: rng.int(0, 9) }),
            ]);
          }
          happened.relationshipChange++;
        } else {
          const soul = rng.pick(known);
          const field = rng.pick(["tags", "energy_level", "attributes", "memories", "genesis", "branches", "self_awareness"] as const);
          const patch =
            field === "tags"
              ? { tags: rng.bool() ? ["x", rng.pick(["y", "z"])] : [] }
              : field === "energy_level"
                ? { energy_level: rng.int(-50, 500) }
                : field === "genesis"
                  ? { genesis: { name: name(), mood: rng.pick(["calm", "busy", null]) } }
                  : field === "branches" && branch === "main"
                    ? { branches: rng.bool() ? ["main", "exp-1"] : ["main"] }
                    : { [field === "branches" ? "memories" : field]: { [`k${rng.int(0, 4)}`]: rng.bool(0.2) ? null : { v: rng.int(0, 9), s: name() } } };
          const written = await attempt(() => store.beings.update(beingUpdateSchema.parse({ soul, ...patch, ...(branch === "main" ? {} : { branch }) })));
          if (written && branch !== "main") happened.branchWrite++;
        }
        if (rng.bool(0.35)) {
          const soul = rng.pick(known);
          const { id, visible } = rng.pick(branches);
          const seq = await journalHead();
          const [row] = await store.sql.query<{ at: string }>(
            `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM (
               SELECT at FROM being_journal WHERE seq = $1 UNION ALL SELECT at FROM relationship_journal WHERE seq = $1) x`,
            [seq],
          );
          recorded.push({ seq, at: row!.at, soul, branch: id, real: await beingIn(soul, id), relationships: await realRelationships(soul, visible) });
        }
      }
      expect(recorded.length).toBeGreaterThan(30);
      expect(happened.fork).toBeGreaterThan(0);
      expect(happened.merge + happened.drop).toBeGreaterThan(0);
      expect(happened.branchWrite + happened.branchDelete).toBeGreaterThan(5);
      expect(happened.relationship).toBeGreaterThan(5);
      expect(recorded.filter((r) => r.branch !== "main" && r.real !== null).length).toBeGreaterThan(3);
      expect(recorded.filter((r) => r.relationships.length > 0).length).toBeGreaterThan(3);
      for (const { seq, at, soul, branch, real, relationships } of recorded) {
        const bySeq = await store.timeTravel.beingAt(soul, branch, { seq });
        expect(bySeq.being, `seed ${seed}, seq ${seq}, branch ${branch}`).toEqual(real);
        expect(bySeq.relationships, `seed ${seed}, seq ${seq}, branch ${branch}: relationships`).toEqual(relationships);
        const byTime = await store.timeTravel.beingAt(soul, branch, { at });
        expect(byTime.being, `seed ${seed}, at ${at}, branch ${branch}`).toEqual(real);
        expect(byTime.relationships, `seed ${seed}, at ${at}, branch ${branch}: relationships`).toEqual(relationships);
      }
    },
  );

  it("replays from snapshots once the janitor made them, with the same answers and a bounded replay", async () => {
    const b = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Busy" } }));
    const peer = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Peer" } }));
    const branch = await store.branches.fork(branchForkSchema.parse({ name: "Busy's branch" }), null);
    const moments: { seq: number; real: Being; inBranch: Being; relationships: Relationship[] }[] = [];
    const rels: string[] = [];
    for (let i = 0; i < SNAPSHOT_EVERY * 2 + 40; i++) {
      await store.beings.update(beingUpdateSchema.parse({ soul: b.soul, energy_level: i, attributes: { step: i, [`k${i % 7}`]: i } }));
      if (i % 11 === 0) await store.beings.update(beingUpdateSchema.parse({ soul: b.soul, branch: branch.id, memories: { [`m${i % 5}`]: i } }));
      if (i % 5 === 0) {
        const r = await store.relationships.create(
          relationshipCreateSchema.parse({ source_soul: i % 2 ? b.soul : peer.soul, target_soul: i % 2 ? peer.soul : b.soul }),
        );
        rels.push(r.id);
      }
      if (i % 7 === 0 && rels.length > 2) await store.relationships.delete(rels.shift()!);
      if (i % 37 === 0)
        moments.push({
          seq: await journalHead(),
          real: await store.beings.get(b.soul),
          inBranch: await store.beings.get(b.soul, branch.id),
          relationships: await realRelationships(b.soul, ["main"]),
        });
    }
    const before = await Promise.all(moments.map((m) => store.timeTravel.beingAt(b.soul, "main", { seq: m.seq })));
    expect(await store.timeTravel.checkpoint(new Date(Date.now() + 120_000))).toBeGreaterThanOrEqual(2);
    const snaps = await store.sql.query<{ n: number; versions: number; relationships: number }>(
      `SELECT count(*)::int AS n, max((SELECT count(*) FROM jsonb_object_keys(state -> 'versions')))::int AS versions,
         max((SELECT count(*) FROM jsonb_object_keys(state -> 'relationships')))::int AS relationships
       FROM timeline_snapshots WHERE kind = 'being' AND key = $1`,
      [b.soul],
    );
    // the snapshots hold the branch's version and the relationships touching the being
    expect(snaps[0]!.n).toBe(Math.floor((await journalCountAll(b.soul)) / SNAPSHOT_EVERY));
    expect(snaps[0]!.versions).toBe(1);
    expect(snaps[0]!.relationships).toBeGreaterThan(0);
    for (const [i, m] of moments.entries()) {
      const after = await store.timeTravel.beingAt(b.soul, "main", { seq: m.seq });
      expect(after.being).toEqual(m.real);
      expect(after.being).toEqual(before[i]!.being);
      expect(after.relationships).toEqual(m.relationships);
      expect(after.replayed).toBeLessThanOrEqual(SNAPSHOT_EVERY);
      expect((await store.timeTravel.beingAt(b.soul, branch.id, { seq: m.seq })).being).toEqual(m.inBranch);
    }
    const now = await store.timeTravel.beingAt(b.soul, "main", {});
    expect(now.being).toEqual(await store.beings.get(b.soul));
    expect(now.relationships).toEqual(await realRelationships(b.soul, ["main"]));
    expect(now.replayed).toBeLessThanOrEqual(SNAPSHOT_EVERY);
  });

  it("restores the relationships a being had, as new changes, and refuses when a peer is gone", async () => {
    const [a, b, c] = await Promise.all(["Ann", "Bo", "Cy"].map((n) => store.beings.create(beingCreateSchema.parse({ genesis: { name: n } }))));
    const ab = await store.relationships.create(
      relationshipCreateSchema.parse({ source_soul: a!.soul, target_soul: b!.soul, tags: ["knows"], energy_level: 3 }),
    );
    const moment = await journalHead();
    const then = await realRelationships(a!.soul, ["main"]);
    await store.relationships.delete(ab.id);
    const ca = await store.relationships.create(relationshipCreateSchema.parse({ source_soul: c!.soul, target_soul: a!.soul, tags: ["likes"] }));
    await store.beings.update(beingUpdateSchema.parse({ soul: a!.soul, energy_level: 50 }));

    const restored = await store.timeTravel.restoreBeing(a!.soul, "main", { seq: moment });
    expect(restored.relationships).toEqual({ created: 1, updated: 0, deleted: 1, skipped: 0 });
    const now = await realRelationships(a!.soul, ["main"]);
    expect(now.map(({ updated_at: _u, ...r }) => r)).toEqual(then.map(({ updated_at: _u, ...r }) => r));
    // nothing was lost: the deleted relationship is still in the being's history and its moment
    const history = await store.timeTravel.beingHistory(a!.soul, { limit: 20 });
    expect(history.filter((h) => h.layer === "relationship" && h.relationship?.id === ca.id).map((h) => h.op)).toEqual(["deleted", "created"]);

    // a peer that is gone cannot come back with the relationship: the restore refuses and changes nothing
    const later = await journalHead();
    await store.beings.delete(b!.soul);
    await store.beings.update(beingUpdateSchema.parse({ soul: a!.soul, energy_level: 60 }));
    const error = await store.timeTravel.restoreBeing(a!.soul, "main", { seq: later }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(new RegExp(`relationships with ${b!.soul}, which no longer exists`));
    expect((await store.beings.get(a!.soul)).energy_level).toBe(60);
    const recordOnly = await store.timeTravel.restoreBeing(a!.soul, "main", { seq: later }, { relationships: false });
    expect(recordOnly.relationships).toBeNull();
    expect(recordOnly.being.energy_level).toBe(0);
  });

  it("restores a being in a branch as the branch's own version, leaving main alone", async () => {
    const being = await store.beings.create(beingCreateSchema.parse({ genesis: { name: "Twin" }, energy_level: 1 }));
    const branch = await store.branches.fork(branchForkSchema.parse({ name: "Twin's world" }), null);
    await store.beings.update(beingUpdateSchema.parse({ soul: being.soul, branch: branch.id, energy_level: 2 }));
    const moment = await journalHead();
    await store.beings.update(beingUpdateSchema.parse({ soul: being.soul, branch: branch.id, energy_level: 3, tags: ["changed"] }));
    await store.beings.update(beingUpdateSchema.parse({ soul: being.soul, energy_level: 9 }));
    const { being: restored } = await store.timeTravel.restoreBeing(being.soul, branch.id, { seq: moment });
    expect(restored).toMatchObject({ energy_level: 2, tags: [], branches: [branch.id] });
    expect((await store.beings.get(being.soul, branch.id)).energy_level).toBe(2);
    expect((await store.beings.get(being.soul)).energy_level).toBe(9);
    const history = await store.timeTravel.beingHistory(being.soul, { limit: 10 });
    expect(history.map((h) => `${h.layer} ${h.op}`)).toEqual([
      "version changed",
      "base changed",
      "version changed",
      "version changed",
      "version created",
      "base created",
    ]);
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

import { describe, expect, it } from "vitest";
import type { EventAck, KnowledgePullOutput, PulledFact } from "../../lib/knowledge/contract";
import { createRandom } from "../../lib/random";
import { FakeClock } from "./fakeClock";
import { backoffDelay, SyncLoop, type OutboxEntry, type OutboxStore, type PulledStore, type SyncTuning } from "./SyncLoop";

/** The outbox as the micro-world keeps it: insertion order, refused entries kept but skipped. */
class MemoryOutbox implements OutboxStore {
  readonly rows = new Map<string, { envelope: string; refused: string | null }>();
  /** Ids deleted, in order (each at most once, or the test fails). */
  readonly deleted: string[] = [];
  append(id: string): void {
    this.rows.set(id, { envelope: JSON.stringify({ id, type: "being.decision" }), refused: null });
  }
  peek(limit: number, maxBytes: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    let bytes = 0;
    for (const [id, row] of this.rows) {
      if (row.refused !== null) continue;
      if (out.length === limit) break;
      bytes += row.envelope.length;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push({ id, envelope: row.envelope });
    }
    return out;
  }
  acknowledge(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.rows.delete(id)) this.deleted.push(id);
    }
  }
  refuse(id: string, reason: string): void {
    const row = this.rows.get(id);
    if (row) row.refused = reason;
  }
  depth(): number {
    return this.rows.size;
  }
  refused(): number {
    return [...this.rows.values()].filter((r) => r.refused !== null).length;
  }
}

class MasterError extends Error {
  readonly data: { code: string | undefined };
  constructor(message: string, code?: string) {
    super(message);
    this.data = { code };
  }
}

/**
 * What a push meets at the master: answered; down before anything is stored; stored but the answer
 * is lost (the process was killed after its commit); no answer at all until the loop gives up; or
 * answered only after a delay.
 */
type Fate = "ok" | "down" | "lost_answer" | "hang" | { slow: number };

/** The master's idempotent log: an id is stored once and every replay answers its first sequence. */
class FakeMaster {
  readonly log = new Map<string, number>();
  readonly requests: string[][] = [];
  /** Ids the master refuses as invalid (BAD_REQUEST), whatever batch they come in. */
  readonly poison = new Set<string>();
  fate: () => Fate = () => "ok";
  constructor(private readonly clock: FakeClock) {}

  private commit(ids: readonly string[]): EventAck[] {
    return ids.map((id) => {
      if (!this.log.has(id)) this.log.set(id, this.log.size + 1);
      return { id, seq: this.log.get(id)! };
    });
  }

  push = (events: readonly unknown[], signal: AbortSignal): Promise<readonly EventAck[]> => {
    const ids = events.map((e) => (e as { id: string }).id);
    this.requests.push(ids);
    const bad = ids.find((id) => this.poison.has(id));
    if (bad) return Promise.reject(new MasterError(`events.${ids.indexOf(bad)}.data: not valid`, "BAD_REQUEST"));
    const fate = this.fate();
    if (fate === "down") return Promise.reject(new TypeError("Failed to fetch"));
    if (fate === "lost_answer") {
      this.commit(ids);
      return Promise.reject(new TypeError("network error"));
    }
    return new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason as Error));
      if (fate === "hang") return;
      const answer = () => resolve(this.commit(ids));
      if (fate === "ok") answer();
      else this.clock.setTimeout(answer, fate.slow);
    });
  };
}

const TUNING: SyncTuning = {
  batchEvents: 10,
  batchBytes: 1 << 20,
  requestTimeoutMs: 1_000,
  idleMs: 500,
  nudgeMs: 50,
  backoffBaseMs: 100,
  backoffCapMs: 2_000,
  offlinePollMs: 1_000,
  pullMs: 5_000,
  spendBatch: 500,
};

function setup(tuning: Partial<SyncTuning> = {}, seed = 1) {
  const clock = new FakeClock();
  const outbox = new MemoryOutbox();
  const master = new FakeMaster(clock);
  const net = { online: true };
  const errors: unknown[] = [];
  const random = createRandom(seed);
  const loop = new SyncLoop({
    outbox,
    push: master.push,
    isOnline: () => net.online,
    clock,
    random: random.next,
    onError: (e) => errors.push(e),
    tuning: { ...TUNING, ...tuning },
  });
  return { clock, outbox, master, net, errors, loop };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);

describe("backoffDelay", () => {
  it("doubles from the base, stays within [half, all] of the ceiling, and never passes the cap", () => {
    expect(backoffDelay(1, 100, 2_000, 0)).toBe(50);
    expect(backoffDelay(1, 100, 2_000, 1)).toBe(100);
    expect(backoffDelay(3, 100, 2_000, 0.5)).toBe(300);
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.3, 0.999]) {
        const d = backoffDelay(attempt, 100, 2_000, r);
        const ceiling = Math.min(2_000, 100 * 2 ** (attempt - 1));
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe("SyncLoop", () => {
  it("sends the outbox in batches, deletes what was acknowledged and records the last sync", async () => {
    const { clock, outbox, master, loop } = setup();
    for (const id of ids("e", 25)) outbox.append(id);
    loop.start();
    await clock.advance(10);
    expect(master.requests.map((r) => r.length)).toEqual([10, 10, 5]);
    expect(outbox.depth()).toBe(0);
    expect(outbox.deleted).toEqual(ids("e", 25));
    const status = loop.status();
    expect(status).toMatchObject({ state: "idle", depth: 0, sent: 25, lastError: null, attempts: 0 });
    expect(status.lastSyncAt).toBe(0);
  });

  it("a nudge sends new events soon; with nothing new it only looks again every idle period", async () => {
    const { clock, outbox, master, loop } = setup();
    loop.start();
    await clock.advance(10);
    expect(master.requests).toHaveLength(0);
    outbox.append("late");
    loop.nudge();
    await clock.advance(TUNING.nudgeMs);
    expect(master.requests).toEqual([["late"]]);
    await clock.advance(TUNING.idleMs * 4);
    expect(master.requests).toHaveLength(1);
  });

  it("keeps everything while the master is down, backs off exponentially with jitter up to the cap, and flushes when it is back", async () => {
    const { clock, outbox, master, loop, errors } = setup();
    master.fate = () => "down";
    for (const id of ids("e", 3)) outbox.append(id);
    loop.start();
    const gaps: number[] = [];
    let last = 0;
    for (let i = 0; i < 8; i++) {
      await clock.advance(clock.pending()[0] ?? 0);
      const at = loop.status().lastAttemptAt!;
      if (i > 0) gaps.push(at - last);
      last = at;
    }
    expect(outbox.depth()).toBe(3);
    expect(loop.status()).toMatchObject({ state: "retrying", lastError: "Failed to fetch", sent: 0 });
    expect(errors.length).toBe(8);
    gaps.forEach((gap, i) => {
      const ceiling = Math.min(TUNING.backoffCapMs, TUNING.backoffBaseMs * 2 ** i);
      expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(ceiling / 2);
      expect(gap, `gap ${i}`).toBeLessThanOrEqual(ceiling);
    });
    expect(Math.max(...gaps)).toBeLessThanOrEqual(TUNING.backoffCapMs);
    master.fate = () => "ok";
    await clock.advance(TUNING.backoffCapMs);
    expect(outbox.depth()).toBe(0);
    expect(loop.status()).toMatchObject({ state: "idle", lastError: null, attempts: 0, sent: 3 });
  });

  it("gives up on a request that hangs, and sends the same events again", async () => {
    const { clock, outbox, master, loop } = setup();
    let first = true;
    master.fate = () => (first ? ((first = false), "hang") : "ok");
    outbox.append("a");
    loop.start();
    await clock.advance(TUNING.requestTimeoutMs - 1);
    expect(loop.status().state).toBe("sending");
    await clock.advance(1);
    expect(loop.status()).toMatchObject({ state: "retrying", lastError: "the master did not answer in time" });
    await clock.advance(TUNING.backoffBaseMs);
    expect(master.requests).toEqual([["a"], ["a"]]);
    expect(outbox.depth()).toBe(0);
  });

  it("a master too slow for a batch gets smaller ones, and full batches again once they go through", async () => {
    const { clock, outbox, master, loop } = setup();
    // The master needs 200 ms per event; the loop waits 1,000 ms.
    master.fate = () => ({ slow: 0 });
    const push = master.push;
    const slowPush: typeof push = (events, signal) =>
      new Promise((resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason as Error));
        clock.setTimeout(() => void push(events, signal).then(resolve, reject), 200 * events.length);
      });
    const slow = new SyncLoop({ outbox, push: slowPush, isOnline: () => true, clock, random: () => 0.5, tuning: TUNING });
    loop.stop();
    for (const id of ids("e", 30)) outbox.append(id);
    slow.start();
    await clock.advance(30_000);
    expect(outbox.depth()).toBe(0);
    const sizes = master.requests.map((r) => r.length);
    expect(sizes.slice(0, 3)).toEqual([10, 5, 2]);
    expect(Math.max(...sizes.slice(3))).toBeLessThanOrEqual(4);
    slow.stop();
  });

  it("an answer lost after the master stored the batch costs a replay, never a duplicate", async () => {
    const { clock, outbox, master, loop } = setup();
    let first = true;
    master.fate = () => (first ? ((first = false), "lost_answer") : "ok");
    for (const id of ids("e", 4)) outbox.append(id);
    loop.start();
    await clock.advance(TUNING.backoffBaseMs + 10);
    expect(master.requests).toEqual([ids("e", 4), ids("e", 4)]);
    expect([...master.log.values()]).toEqual([1, 2, 3, 4]);
    expect(outbox.deleted).toEqual(ids("e", 4));
  });

  it("waits while offline and sends as soon as the browser is online again", async () => {
    const { clock, outbox, master, loop, net } = setup();
    net.online = false;
    outbox.append("a");
    loop.start();
    await clock.advance(60_000);
    expect(master.requests).toHaveLength(0);
    expect(loop.status().state).toBe("offline");
    loop.nudge();
    await clock.advance(60_000);
    expect(master.requests).toHaveLength(0);
    net.online = true;
    loop.wake();
    await clock.advance(0);
    expect(master.requests).toEqual([["a"]]);
    expect(loop.status()).toMatchObject({ state: "idle", depth: 0 });
  });

  it("notices the network is back even when no online event arrives", async () => {
    const { clock, outbox, master, loop, net } = setup();
    net.online = false;
    outbox.append("a");
    loop.start();
    await clock.advance(5_000);
    expect(loop.status().state).toBe("offline");
    net.online = true;
    await clock.advance(TUNING.offlinePollMs);
    expect(master.requests).toEqual([["a"]]);
  });

  it("deletes only the acknowledged ids, whatever else the answer names", async () => {
    const { clock, outbox, loop } = setup({}, 3);
    for (const id of ["a", "b", "c"]) outbox.append(id);
    outbox.append("not-sent-yet");
    const answers: EventAck[][] = [
      [
        { id: "a", seq: 1 },
        { id: "not-sent-yet", seq: 9 },
        { id: "zzz", seq: 10 },
      ],
    ];
    const partial = new SyncLoop({
      outbox,
      push: () => Promise.resolve(answers.shift() ?? []),
      isOnline: () => true,
      clock,
      tuning: { ...TUNING, batchEvents: 3 },
    });
    loop.stop();
    partial.start();
    await clock.advance(0);
    expect(outbox.deleted).toEqual(["a"]);
    expect([...outbox.rows.keys()]).toEqual(["b", "c", "not-sent-yet"]);
    expect(partial.status()).toMatchObject({ state: "retrying", sent: 1 });
    partial.stop();
  });

  it("isolates an event the master refuses: the rest go through, it stays in the outbox with the reason", async () => {
    const { clock, outbox, master, loop } = setup();
    const all = ids("e", 10);
    for (const id of all) outbox.append(id);
    master.poison.add("e-0006");
    loop.start();
    await clock.advance(100);
    expect(master.log.size).toBe(9);
    expect(outbox.depth()).toBe(1);
    expect(outbox.rows.get("e-0006")?.refused).toMatch(/not valid/);
    expect(loop.status()).toMatchObject({ depth: 1, refused: 1, sent: 9 });
    // Later events are not held up by it.
    outbox.append("after");
    loop.nudge();
    await clock.advance(TUNING.nudgeMs);
    expect(master.log.has("after")).toBe(true);
  });

  it("stop abandons a request in flight and leaves its events in the outbox", async () => {
    const { clock, outbox, master, loop } = setup();
    master.fate = () => "hang";
    outbox.append("a");
    loop.start();
    await clock.advance(10);
    loop.stop();
    await clock.advance(10_000);
    expect(master.requests).toHaveLength(1);
    expect(outbox.depth()).toBe(1);
  });

  it("pulls what other beings taught once the outbox is empty, page by page, and never sends it back", async () => {
    const { clock, outbox, master } = setup();
    const fact = (n: number, sources = ["other"]): PulledFact => ({
      fact: `f${n}`,
      text: `fact ${n}`,
      confidence: 0.7,
      corroboration: 1,
      sources,
      updated_at: "2026-01-01T00:00:00Z",
    });
    const feed: PulledFact[] = [fact(1), fact(2), fact(3, ["me", "other"]), fact(4)];
    const calls: (string | null)[] = [];
    const pullFacts = (since: string | null): Promise<KnowledgePullOutput> => {
      calls.push(since);
      const from = since === null ? 0 : Number(since);
      const page = feed.slice(from, from + 2);
      const cursor = String(from + page.length);
      return Promise.resolve({ facts: page, cursor, done: from + page.length >= feed.length });
    };
    const stored = new Map<string, PulledFact>();
    let cursor: string | null = null;
    const store: PulledStore = {
      pullCursor: () => cursor,
      absorb(facts, next) {
        let added = 0;
        for (const f of facts) {
          if (f.sources.includes("me")) continue;
          if (!stored.has(f.fact)) added++;
          stored.set(f.fact, f);
        }
        cursor = next;
        return added;
      },
    };
    outbox.append("mine");
    const loop = new SyncLoop({ outbox, push: master.push, isOnline: () => true, clock, tuning: TUNING, pull: { fetch: pullFacts, store } });
    loop.start();
    await clock.advance(0);
    // The outbox first, then (once it is empty) the feed until it is done.
    expect(master.requests).toEqual([["mine"]]);
    expect(calls).toEqual([]);
    await clock.advance(TUNING.idleMs);
    expect(calls).toEqual([null, "2"]);
    expect([...stored.keys()]).toEqual(["f1", "f2", "f4"]);
    expect(loop.status()).toMatchObject({ pulled: 3, depth: 0 });
    expect(outbox.depth(), "pulled facts never enter the outbox").toBe(0);
    // Nothing new: asked again only after pullMs.
    await clock.advance(TUNING.pullMs - TUNING.idleMs);
    expect(calls).toHaveLength(2);
    await clock.advance(TUNING.idleMs * 2);
    expect(calls).toEqual([null, "2", "4"]);
    loop.stop();
  });

  // Property: whatever the network and the master do, nothing is deleted before the master has it,
  // nothing reaches the master twice, and once things calm down the outbox drains completely.
  it.each(Array.from({ length: 50 }, (_, i) => i + 1))("seed %i: nothing lost, nothing doubled, the outbox drains", async (seed) => {
    const { clock, outbox, master, loop, net } = setup({}, seed);
    const rng = createRandom(seed * 7919);
    const fates: Fate[] = ["ok", "ok", "ok", "down", "lost_answer", "hang", { slow: 300 }, { slow: 1_500 }];
    master.fate = () => rng.pick(fates);
    const appended: string[] = [];
    loop.start();
    for (let step = 0; step < 60; step++) {
      const action = rng.int(0, 9);
      if (action <= 4) {
        for (let i = rng.int(1, 15); i > 0; i--) {
          const id = `s${seed}-${appended.length}`;
          appended.push(id);
          outbox.append(id);
        }
        loop.nudge();
      } else if (action === 5) {
        net.online = !net.online;
        if (net.online) loop.wake();
        else loop.offline();
      } else if (action === 6 && rng.bool(0.3)) {
        // A reload: the worker dies mid-flight and a new loop starts over the same outbox.
        loop.stop();
        loop.start();
      }
      await clock.advance(rng.int(0, 3_000));
      for (const id of outbox.deleted) expect(master.log.has(id), `${id} deleted before the master had it`).toBe(true);
      for (const id of appended) expect(outbox.rows.has(id) || master.log.has(id), `${id} lost`).toBe(true);
    }
    master.fate = () => "ok";
    net.online = true;
    loop.wake();
    await clock.advance(60_000);
    expect(outbox.depth()).toBe(0);
    expect(new Set(outbox.deleted).size).toBe(outbox.deleted.length);
    expect([...master.log.keys()].sort()).toEqual([...appended].sort());
    expect([...master.log.values()].sort((a, b) => a - b)).toEqual(appended.map((_, i) => i + 1));
    loop.stop();
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { tikiReportSchema } from "../../lib/tikiLedger";
import { SPEND_WINDOW_MS } from "./constants";
import { MicroWorld } from "./microWorld";
import { MIND_TASK, MindSpend } from "./mindSpend";
import { FakeClock } from "./fakeClock";
import { SyncLoop, type OutboxStore, type SpendEntry } from "./SyncLoop";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const opened: MicroWorld[] = [];

async function world(): Promise<MicroWorld> {
  const w = await MicroWorld.createInMemory(SOUL);
  opened.push(w);
  return w;
}

afterEach(() => {
  for (const w of opened.splice(0)) w.close();
});

const MINUTE = SPEND_WINDOW_MS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("MicroWorld spend", () => {
  it("records an entry with a fresh uuid that tiki.report accepts, and keeps it until acknowledged", async () => {
    const w = await world();
    let nudges = 0;
    w.onOutbox = () => (nudges += 1);
    const id = w.recordSpend({ branch: "main", task: "lux-run:abc", kind: "lux", tiki: 42, ok: false, detail: { steps: 3 } });
    expect(id).toMatch(UUID);
    expect(nudges).toBe(1);
    const entries = w.peekSpend(500, 0);
    expect(entries).toEqual([{ id, branch: "main", task: "lux-run:abc", kind: "lux", tiki: 42, ok: false, detail: { steps: 3 } }]);
    expect(tikiReportSchema.safeParse({ being: SOUL, entries }).success).toBe(true);
    expect(w.peekSpend(500, 0)).toEqual(entries);
    w.acknowledgeSpend([id]);
    expect(w.peekSpend(500, 0)).toEqual([]);
    expect(w.spendDepth()).toBe(0);
  });

  it("sums additions of one window into one entry, sent only once its window has closed", async () => {
    const w = await world();
    const item = { branch: "main", task: MIND_TASK, kind: "mind" as const, tiki: 2 };
    for (let t = 0; t < MINUTE; t += 50) w.addSpend(item, t, MINUTE);
    w.addSpend({ ...item, branch: "b1" }, 10, MINUTE);
    expect(w.spendDepth()).toBe(2);
    expect(w.peekSpend(500, MINUTE - 1)).toEqual([]);
    const sent = w.peekSpend(500, MINUTE);
    expect(sent.map((e) => [e.branch, e.tiki, e.detail["count"]])).toEqual([
      ["main", 2 * (MINUTE / 50), MINUTE / 50],
      ["b1", 2, 1],
    ]);
    expect(sent[0]!.detail).toMatchObject({ from: new Date(0).toISOString(), until: new Date(MINUTE).toISOString() });
    expect(w.addSpend({ ...item, tiki: 0 }, MINUTE, MINUTE)).toBeUndefined();
    expect(w.spendDepth()).toBe(2);
  });

  it("adds nothing to a window once it was handed out: a late addition opens a new entry", async () => {
    const w = await world();
    const item = { branch: "main", task: MIND_TASK, kind: "mind" as const, tiki: 5 };
    w.addSpend(item, 100, MINUTE);
    const [sealed] = w.peekSpend(500, MINUTE);
    // A clock that went back writes into what is now sealed: it must not change the entry on its way.
    w.addSpend(item, 200, MINUTE);
    w.acknowledgeSpend([sealed!.id]);
    expect(w.peekSpend(500, 2 * MINUTE).map((e) => e.tiki)).toEqual([5]);
  });

  it("refuses Tiki that are not a whole number ≥ 0, and sets aside an entry the master refused", async () => {
    const w = await world();
    expect(() => w.recordSpend({ branch: "main", kind: "lux", tiki: -1 })).toThrow(/whole number/);
    expect(() => w.addSpend({ branch: "main", kind: "mind", tiki: 1.5 }, 0, MINUTE)).toThrow(/whole number/);
    const id = w.recordSpend({ branch: "main", kind: "lux", tiki: 1 });
    w.refuseSpend(id, "bad");
    expect(w.peekSpend(500, 0)).toEqual([]);
    expect(w.spendDepth()).toBe(1);
  });
});

describe("MindSpend", () => {
  it("books a 20 Hz mind's minute as one entry, and a plan apart without counting it twice", async () => {
    const w = await world();
    const spend = new MindSpend(1_000);
    let spent = 1_000;
    for (let tick = 0; tick < 20 * 60; tick++) {
      spent += 3;
      // The runtime saves the mind every 5 s; every save books what was spent since.
      if (tick % 100 === 99) spend.book(w, spent, tick * 50);
    }
    spend.bookPlan(w, "op-1", { provider: "deterministic", tokensIn: 10, tokensOut: 5, estimated: true, latencyMs: 1, tiki: 7 }, "deterministic");
    // The mind hears of the plan's Tiki a tick later; booking before that books nothing extra.
    spend.book(w, spent, MINUTE - 1);
    spent += 7;
    spend.book(w, spent, MINUTE - 1);
    const entries = w.peekSpend(500, MINUTE);
    const mind = entries.filter((e) => e.kind === "mind");
    expect(mind).toHaveLength(1);
    expect(mind[0]).toMatchObject({ task: MIND_TASK, tiki: 3 * 20 * 60 });
    expect(entries.filter((e) => e.kind === "reasoner")).toEqual([expect.objectContaining({ task: "plan:op-1", provider: "deterministic", tiki: 7 })]);
    expect(entries.reduce((sum, e) => sum + e.tiki, 0)).toBe(spent - 1_000);
  });
});

const emptyOutbox: OutboxStore = { peek: () => [], acknowledge: () => {}, refuse: () => {}, depth: () => 0, refused: () => 0 };

/** The master's ledger: `report_id` is unique, so a replayed entry is stored once. */
class FakeLedger {
  readonly rows = new Map<string, SpendEntry>();
  readonly reports: number[] = [];
  fate: () => "ok" | "down" | "lost_answer" = () => "ok";
  report = (entries: readonly SpendEntry[]): Promise<unknown> => {
    this.reports.push(entries.length);
    const parsed = tikiReportSchema.safeParse({ being: SOUL, entries });
    if (!parsed.success) return Promise.reject(Object.assign(new Error(parsed.error.message), { data: { code: "BAD_REQUEST" } }));
    const fate = this.fate();
    if (fate === "down") return Promise.reject(new TypeError("Failed to fetch"));
    for (const e of entries) if (!this.rows.has(e.id)) this.rows.set(e.id, e);
    if (fate === "lost_answer") return Promise.reject(new TypeError("network error"));
    return Promise.resolve({ recorded: entries.length, duplicates: 0 });
  };
  total(): number {
    return [...this.rows.values()].reduce((sum, e) => sum + e.tiki, 0);
  }
}

async function spendLoop(spendBatch = 500) {
  const w = await world();
  const clock = new FakeClock();
  const ledger = new FakeLedger();
  const loop = new SyncLoop({
    outbox: emptyOutbox,
    push: () => Promise.resolve([]),
    spend: { report: (entries) => ledger.report(entries), store: w },
    isOnline: () => true,
    clock,
    random: () => 0.5,
    tuning: { idleMs: 500, backoffBaseMs: 100, backoffCapMs: 2_000, requestTimeoutMs: 1_000, spendBatch },
  });
  return { w, clock, ledger, loop };
}

describe("SyncLoop spend reports", () => {
  it("reports a run's spend once across a report whose answer was lost and its retry", async () => {
    const { w, clock, ledger, loop } = await spendLoop();
    w.recordSpend({ branch: "main", task: "lux-run:r1", kind: "lux", tiki: 30 });
    w.recordSpend({ branch: "main", task: "lux-run:r1", kind: "sandbox", provider: "pyodide", tiki: 12 });
    let first = true;
    ledger.fate = () => (first ? ((first = false), "lost_answer") : "ok");
    loop.start();
    await clock.advance(10);
    expect(loop.status()).toMatchObject({ state: "retrying", lastError: "network error" });
    expect(w.spendDepth()).toBe(2);
    await clock.advance(1_000);
    expect(ledger.reports).toEqual([2, 2]);
    expect(ledger.rows.size).toBe(2);
    expect(ledger.total()).toBe(42);
    expect(w.spendDepth()).toBe(0);
    expect(loop.status()).toMatchObject({ state: "idle", spendReported: 2, lastError: null });
    loop.stop();
  });

  it("keeps spend through an outage and sends it in reports of at most the batch size, mind windows once closed", async () => {
    const { w, clock, ledger, loop } = await spendLoop(4);
    for (let i = 0; i < 10; i++) w.recordSpend({ branch: "main", task: `lux-run:${i}`, kind: "lux", tiki: i + 1 });
    for (let t = 0; t < 1_000; t += 50) w.addSpend({ branch: "main", task: MIND_TASK, kind: "mind", tiki: 1 }, t, MINUTE);
    ledger.fate = () => "down";
    loop.start();
    await clock.advance(5_000);
    expect(ledger.rows.size).toBe(0);
    ledger.fate = () => "ok";
    await clock.advance(5_000);
    expect(ledger.reports.slice(-3)).toEqual([4, 4, 2]);
    expect(ledger.total()).toBe(55);
    expect(w.spendDepth()).toBe(1);
    await clock.advance(MINUTE);
    expect(ledger.total()).toBe(55 + 20);
    expect([...ledger.rows.values()].find((e) => e.kind === "mind")).toMatchObject({ tiki: 20, detail: { count: 20 } });
    expect(w.spendDepth()).toBe(0);
    loop.stop();
  });

  it("sets aside an entry the master refuses and reports the rest", async () => {
    const { w, clock, ledger, loop } = await spendLoop();
    const ids = [1, 2, 3].map((i) => w.recordSpend({ branch: "main", kind: "lux", tiki: i }));
    const report = ledger.report;
    ledger.report = (entries) =>
      entries.some((e) => e.id === ids[1]) ? Promise.reject(Object.assign(new Error("no"), { data: { code: "BAD_REQUEST" } })) : report(entries);
    loop.start();
    await clock.advance(5_000);
    expect([...ledger.rows.keys()].sort()).toEqual([ids[0], ids[2]].sort());
    expect(w.spendDepth()).toBe(1);
    expect(w.query("SELECT id, refused FROM spend").rows).toEqual([[ids[1], "no"]]);
    loop.stop();
  });
});

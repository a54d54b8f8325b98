import { describe, expect, it } from "vitest";
import { createRandom } from "../random";
import { KernelQueue, KernelQueueError } from "./KernelQueue";

/** A job the test finishes by hand. */
function deferred() {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = async () => {
  for (let i = 0; i < 12; i++) await Promise.resolve();
};

describe("KernelQueue", () => {
  it("runs at most `concurrency` jobs and starts the next when one ends", async () => {
    const q = new KernelQueue("CPU queue", { concurrency: 2, capacity: 10, perOwner: 10 });
    const started: number[] = [];
    const jobs = [0, 1, 2].map(() => deferred());
    const results = jobs.map((d, i) =>
      q.submit("a", () => {
        started.push(i);
        return d.promise;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(q.stats()).toMatchObject({ depth: 1, running: 2 });
    jobs[0]!.resolve("zero");
    await expect(results[0]).resolves.toBe("zero");
    await tick();
    expect(started).toEqual([0, 1, 2]);
    jobs[1]!.resolve("one");
    jobs[2]!.reject(new Error("two failed"));
    await expect(results[2]).rejects.toThrow("two failed");
    expect(q.stats()).toMatchObject({ depth: 0, running: 0, done: 2, failed: 1 });
  });

  it("serves beings round-robin, each being's jobs in its own order", async () => {
    const q = new KernelQueue("CPU queue", { concurrency: 1, capacity: 20, perOwner: 20 });
    const order: string[] = [];
    const gate = deferred();
    void q.submit("gate", () => gate.promise);
    const all: Promise<unknown>[] = [];
    for (const [owner, n] of [
      ["a", 4],
      ["b", 2],
      ["c", 1],
    ] as const)
      for (let i = 0; i < n; i++) all.push(q.submit(owner, () => (order.push(`${owner}${i}`), Promise.resolve())));
    gate.resolve("open");
    await Promise.all(all);
    expect(order).toEqual(["a0", "b0", "c0", "a1", "b1", "a2", "a3"]);
  });

  it("refuses with a clear error when the queue or a being's share is full", async () => {
    const q = new KernelQueue("CPU queue", { concurrency: 1, capacity: 3, perOwner: 2 });
    const hold = deferred();
    void q.submit("a", () => hold.promise);
    void q.submit("a", () => Promise.resolve());
    void q.submit("a", () => Promise.resolve());
    const mine = q.submit("a", () => Promise.resolve(), { label: "RUN python" });
    await expect(mine).rejects.toMatchObject({ reason: "owner_full" });
    await expect(mine).rejects.toThrow(/already has 2 jobs waiting in the CPU queue, so RUN python was refused/);
    void q.submit("b", () => Promise.resolve());
    const full = q.submit("c", () => Promise.resolve());
    await expect(full).rejects.toBeInstanceOf(KernelQueueError);
    await expect(full).rejects.toThrow(/The CPU queue is full \(3 jobs waiting\)/);
    expect(q.stats().refused).toBe(2);
    hold.resolve("x");
  });

  it("cancels a waiting job (it never runs) and a running one (its signal aborts)", async () => {
    const q = new KernelQueue("I/O queue", { concurrency: 1, capacity: 10, perOwner: 10 });
    let seen: AbortSignal | undefined;
    const running = deferred();
    const c1 = new AbortController();
    const first = q.submit(
      "a",
      (signal) => {
        seen = signal;
        return running.promise;
      },
      { signal: c1.signal, label: "CALL Echo" },
    );
    const c2 = new AbortController();
    let secondRan = false;
    const second = q.submit("a", () => ((secondRan = true), Promise.resolve()), { signal: c2.signal });
    c2.abort();
    await expect(second).rejects.toMatchObject({ reason: "cancelled" });
    c1.abort();
    await expect(first).rejects.toThrow("CALL Echo was cancelled before it finished.");
    expect(seen?.aborted).toBe(true);
    // The slot frees only when the running work settles.
    const third = q.submit("b", () => Promise.resolve("b ran"));
    expect(q.stats().running).toBe(1);
    running.resolve("late");
    await expect(third).resolves.toBe("b ran");
    expect(secondRan).toBe(false);
    expect(q.stats()).toMatchObject({ cancelled: 2, done: 1 });
  });

  it("an already aborted signal and a closed queue refuse at once", async () => {
    const q = new KernelQueue("I/O queue", { concurrency: 1, capacity: 10, perOwner: 10 });
    await expect(q.submit("a", () => Promise.resolve(), { signal: AbortSignal.abort() })).rejects.toMatchObject({ reason: "cancelled" });
    const hold = q.submit("a", () => new Promise(() => {}));
    q.close();
    await expect(hold).rejects.toMatchObject({ reason: "cancelled" });
    await expect(q.submit("a", () => Promise.resolve())).rejects.toMatchObject({ reason: "closed" });
  });

  it("cancelOwner drops one being's jobs and leaves the others", async () => {
    const q = new KernelQueue("CPU queue", { concurrency: 1, capacity: 10, perOwner: 10 });
    const hold = deferred();
    const a1 = q.submit("a", () => hold.promise);
    const a2 = q.submit("a", () => Promise.resolve("a2"));
    const b1 = q.submit("b", () => Promise.resolve("b1"));
    expect(q.cancelOwner("a")).toBe(2);
    await expect(a1).rejects.toMatchObject({ reason: "cancelled" });
    await expect(a2).rejects.toMatchObject({ reason: "cancelled" });
    hold.resolve("done");
    await expect(b1).resolves.toBe("b1");
  });

  // Property: for random submissions, finishes, failures and cancellations from several beings, the queue never runs
  // more than its limit, never runs a cancelled waiting job, keeps each being's order, settles every job exactly once,
  // and never lets a waiting being be passed over by more than one turn of every other being.
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))("holds its invariants under random traffic (seed %i)", async (seed) => {
    const random = createRandom(seed);
    const concurrency = random.int(1, 3);
    const perOwner = random.int(2, 6);
    const capacity = random.int(perOwner, 16);
    const q = new KernelQueue("queue", { concurrency, capacity, perOwner });
    const owners = ["a", "b", "c", "d"].slice(0, random.int(1, 4));
    type Rec = {
      id: number;
      owner: string;
      started: boolean;
      settled: number;
      finish?: ReturnType<typeof deferred>;
      cancel: AbortController;
      refused: boolean;
    };
    const recs: Rec[] = [];
    const startOrder = new Map<string, number[]>();
    /** Starts given to other owners since this owner's current head job started waiting at the head. */
    const passed = new Map<string, number>();
    let runningNow = 0;
    let maxRunning = 0;

    for (let step = 0; step < 120; step++) {
      const roll = random.next();
      if (roll < 0.45) {
        const owner = random.pick(owners);
        const rec: Rec = { id: recs.length, owner, started: false, settled: 0, cancel: new AbortController(), refused: false };
        recs.push(rec);
        const waitingBefore = q.stats().owners[owner]?.waiting ?? 0;
        if (waitingBefore === 0) passed.set(owner, 0);
        q.submit(
          owner,
          () => {
            rec.started = true;
            runningNow += 1;
            maxRunning = Math.max(maxRunning, runningNow);
            startOrder.set(owner, [...(startOrder.get(owner) ?? []), rec.id]);
            for (const other of owners) if (other !== owner) passed.set(other, (passed.get(other) ?? 0) + 1);
            passed.set(owner, 0);
            rec.finish = deferred();
            return rec.finish.promise.finally(() => (runningNow -= 1));
          },
          { signal: rec.cancel.signal },
        ).then(
          () => (rec.settled += 1),
          (e: unknown) => {
            rec.settled += 1;
            if (e instanceof KernelQueueError && (e.reason === "full" || e.reason === "owner_full")) rec.refused = true;
          },
        );
        // A waiting owner is passed over by at most one start of each other owner before its own turn.
        const stats = q.stats();
        for (const o of owners) if ((stats.owners[o]?.waiting ?? 0) > 0) expect(passed.get(o) ?? 0).toBeLessThanOrEqual(owners.length - 1);
      } else if (roll < 0.8) {
        const live = recs.filter((r) => r.started && r.finish && r.settled === 0);
        const r = live.length > 0 ? random.pick(live) : undefined;
        if (r && random.bool(0.8)) r.finish!.resolve("ok");
        else if (r) r.finish!.reject(new Error("boom"));
      } else {
        const open = recs.filter((r) => r.settled === 0);
        if (open.length > 0) random.pick(open).cancel.abort();
      }
      await tick();
      expect(q.stats().running).toBeLessThanOrEqual(concurrency);
    }
    // Drain: finish everything still running until the queue is empty.
    for (let guard = 0; guard < 500 && (q.stats().running > 0 || q.stats().depth > 0); guard++) {
      for (const r of recs) if (r.started && r.finish) r.finish.resolve("ok");
      await tick();
    }
    await tick();
    expect(maxRunning).toBeLessThanOrEqual(concurrency);
    expect(q.stats()).toMatchObject({ depth: 0, running: 0 });
    for (const r of recs) expect(r.settled).toBe(1);
    for (const r of recs) if (r.refused) expect(r.started).toBe(false);
    for (const ids of startOrder.values()) expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const s = q.stats();
    expect(s.done + s.failed + s.cancelled + s.refused).toBe(recs.length);
  });
});

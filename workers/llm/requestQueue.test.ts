import { describe, expect, it } from "vitest";
import { createRequestQueue, QueueCancelled } from "./requestQueue";

/** A promise with its resolve, to hold work open. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("createRequestQueue", () => {
  it("runs one request at a time, in order", async () => {
    const queue = createRequestQueue({ maxQueued: 10 });
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const job = (name: string) => async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${name}`);
      active--;
      return name;
    };
    const results = await Promise.all(["a", "b", "c"].map((n) => queue.enqueue(n, job(n))));
    expect(results).toEqual(["a", "b", "c"]);
    expect(maxActive).toBe(1);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("cancels a waiting request before it runs", async () => {
    const queue = createRequestQueue({ maxQueued: 10 });
    const first = gate();
    const ran: string[] = [];
    const a = queue.enqueue("a", async () => {
      ran.push("a");
      await first.promise;
    });
    const b = queue.enqueue("b", () => Promise.resolve(ran.push("b")));
    expect(queue.size).toBe(1);
    expect(queue.cancel("b")).toBe(true);
    await expect(b).rejects.toBeInstanceOf(QueueCancelled);
    first.open();
    await a;
    expect(ran).toEqual(["a"]);
    expect(queue.cancel("b")).toBe(false);
  });

  it("aborts the running request's signal, tells its caller at once, and starts the next only when it has settled", async () => {
    const queue = createRequestQueue({ maxQueued: 10 });
    const held = gate();
    let sawAbort = false;
    const a = queue.enqueue("a", async (signal) => {
      signal.addEventListener("abort", () => (sawAbort = true));
      await held.promise;
      return "late";
    });
    let bStarted = false;
    const b = queue.enqueue("b", () => Promise.resolve((bStarted = true)));
    await Promise.resolve();
    expect(queue.running).toBe("a");
    expect(queue.cancel("a")).toBe(true);
    await expect(a).rejects.toMatchObject({ reason: "cancelled" });
    expect(sawAbort).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(bStarted).toBe(false);
    held.open();
    await b;
    expect(bStarted).toBe(true);
  });

  it("refuses when full, passes failures through, and refuses everything once closed", async () => {
    const queue = createRequestQueue({ maxQueued: 1 });
    const held = gate();
    const a = queue.enqueue("a", () => held.promise);
    const b = queue.enqueue("b", () => Promise.reject(new Error("boom")));
    await expect(queue.enqueue("c", () => Promise.resolve())).rejects.toMatchObject({ reason: "full" });
    held.open();
    await a;
    await expect(b).rejects.toThrow("boom");
    queue.cancelAll("closed");
    await expect(queue.enqueue("d", () => Promise.resolve())).rejects.toMatchObject({ reason: "closed" });
  });

  it("reports how long a request waited", async () => {
    let t = 0;
    const queue = createRequestQueue({ maxQueued: 5, now: () => t });
    const held = gate();
    const a = queue.enqueue("a", () => held.promise);
    const b = queue.enqueue("b", (_signal, queuedMs) => Promise.resolve(queuedMs));
    t = 250;
    held.open();
    await a;
    expect(await b).toBe(250);
  });
});

import { describe, expect, it } from "vitest";
import type { Runnable } from "../../lib/sandbox/protocol";
import type { CallOutcome, Sandbox, SandboxState } from "../../workers/sandbox/createSandbox";
import { Kernel, type KernelMaster } from "./Kernel";

/** A sandbox that answers each call when the test says so, and remembers what it ran for whom. */
class FakeSandbox implements Sandbox {
  state: SandboxState = "idle";
  ran: string[] = [];
  pending: ((o: CallOutcome) => void)[] = [];
  constructor(readonly id: number) {}
  warm() {
    this.state = "ready";
    return Promise.resolve(1);
  }
  call(being: Runnable): Promise<CallOutcome> {
    this.state = "busy";
    this.ran.push(being.soul);
    return new Promise((resolve) => this.pending.push(resolve));
  }
  finish(value: unknown = "ok") {
    this.state = "ready";
    this.pending.shift()?.({ ok: true, value, stdout: "", stderr: "", ms: 1, tiki: 1, calls: [] });
  }
  close() {
    this.state = "closed";
    for (const p of this.pending.splice(0))
      p({ ok: false, error: { type: "SandboxError", message: "closed", traceback: "" }, stdout: "", stderr: "", ms: 1, tiki: 1, calls: [] });
  }
}

const being = (soul: string): Runnable => ({ soul, name: soul, version: 1, source: "def function():\n    return 1\n", attributes: {}, capabilities: [] });
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function setUp(master: Partial<KernelMaster> = {}) {
  const made: FakeSandbox[] = [];
  const kernel = new Kernel(
    {
      read: () => Promise.resolve(null),
      mutation: () => Promise.resolve(null),
      runnable: (soul) => Promise.resolve(being(soul)),
      ...master,
    },
    () => {
      const s = new FakeSandbox(made.length);
      made.push(s);
      return s;
    },
  );
  return { kernel, made, signal: new AbortController().signal };
}

describe("Kernel", () => {
  it("runs Python in the CPU queue on a sandbox of the being's own, warm the second time", async () => {
    const { kernel, made, signal } = setUp();
    const first = kernel.runPython("a", being("a"), {}, signal);
    await flush();
    made[0]!.finish(1);
    await expect(first).resolves.toMatchObject({ ok: true, value: 1 });
    const second = kernel.runPython("a", being("a"), {}, signal);
    await flush();
    made[0]!.finish(2);
    await expect(second).resolves.toMatchObject({ value: 2 });
    expect(made).toHaveLength(1);
    expect(kernel.stats().cpu.pool).toMatchObject({ sandboxes: 1, coldStarts: 1, warmStarts: 1 });
  });

  it("never hands a being's sandbox to another being: a full pool closes an idle one and starts fresh", async () => {
    const { kernel, made, signal } = setUp();
    for (const owner of ["a", "b"]) {
      const run = kernel.runPython(owner, being(owner), {}, signal);
      await flush();
      made.at(-1)!.finish();
      await run;
    }
    const third = kernel.runPython("c", being("c"), {}, signal);
    await flush();
    expect(made).toHaveLength(3);
    expect(made[0]!.state).toBe("closed");
    expect(made[2]!.ran).toEqual(["c"]);
    made[2]!.finish();
    await third;
    for (const s of made) expect(new Set(s.ran).size).toBeLessThanOrEqual(1);
  });

  it("takes the prewarmed spare for a being's first run and warms another after it", async () => {
    const { kernel, made, signal } = setUp();
    kernel.prewarm();
    await expect(kernel.pool.spareReady()).resolves.toBe(true);
    expect(kernel.pool.stats().spare).toBe("ready");
    const run = kernel.runPython("a", being("a"), {}, signal);
    await flush();
    expect(made[0]!.ran).toEqual(["a"]);
    made[0]!.finish();
    await run;
    expect(kernel.pool.stats()).toMatchObject({ warmStarts: 1, coldStarts: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(made).toHaveLength(2);
    expect(kernel.pool.stats().spare).toBe("ready");
    kernel.close();
  });

  it("cancelling a running run closes its sandbox; a waiting run never starts", async () => {
    const { kernel, made } = setUp();
    const runs = ["a", "b", "c"].map((owner) => {
      const controller = new AbortController();
      return { controller, done: kernel.runPython(owner, being(owner), {}, controller.signal, `RUN python of ${owner}`) };
    });
    await flush();
    expect(made).toHaveLength(2);
    runs[2]!.controller.abort();
    await expect(runs[2]!.done).rejects.toThrow("RUN python of c was cancelled before it finished.");
    runs[0]!.controller.abort();
    await expect(runs[0]!.done).rejects.toMatchObject({ reason: "cancelled" });
    await flush();
    expect(made[0]!.state).toBe("closed");
    made[1]!.finish();
    await runs[1]!.done;
    expect(made.flatMap((s) => s.ran)).not.toContain("c");
  });

  it("function calls read the callee in the I/O queue and run in the CPU queue; master calls go through the I/O queue", async () => {
    const reads: string[] = [];
    const { kernel, made, signal } = setUp({
      runnable: (soul) => (reads.push(soul), Promise.resolve({ ...being(soul), name: "Doubler" })),
      read: (path) => Promise.resolve({ path }),
    });
    const call = kernel.callFunction("caller", { soul: "callee", kwargs: { x: 2 } }, signal);
    await flush();
    expect(reads).toEqual(["callee"]);
    made[0]!.finish(4);
    await expect(call).resolves.toMatchObject({ value: 4 });
    await expect(kernel.master("caller", "read", "beings.list", {}, signal)).resolves.toEqual({ path: "beings.list" });
    expect(kernel.io.stats().done).toBe(2);
  });

  it("forget cancels a being's queued work and frees its sandbox", async () => {
    const { kernel, made, signal } = setUp();
    const run = kernel.runPython("a", being("a"), {}, signal);
    const queued = kernel.runPython("a", being("a"), {}, signal);
    await flush();
    kernel.forget("a");
    await expect(queued).rejects.toMatchObject({ reason: "cancelled" });
    await expect(run).rejects.toMatchObject({ reason: "cancelled" });
    await flush();
    expect(kernel.pool.stats().sandboxes).toBe(0);
    expect(made[0]!.state).toBe("closed");
  });
});

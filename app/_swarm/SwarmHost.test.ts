import { expose } from "comlink";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BeingRecord, BeingStatus, BeingWorkerEvent, GoalEnded } from "../../workers/being/api";
import { WORKER_BOOT_TIMEOUT_MS } from "../../workers/being/constants";
import { SwarmHost, type MasterApi } from "./SwarmHost";

/**
 * The host with fake workers: a "good" one answers the worker API over a real MessageChannel (comlink
 * end to end), a "broken" one fails its script (an `error` event, never an answer), a "silent" one
 * never answers at all (a load that hangs).
 */
type Kind = "good" | "broken" | "silent";

const SOUL = "00000000-0000-4000-8000-000000000001";

function statusOf(record: BeingRecord, state: BeingStatus["state"]): BeingStatus {
  const reasoner = { choice: record.reasoner, id: "deterministic", why: "asked for" };
  const fields = { state, mode: "normal", error: null, budget: { limit: record.budget, spent: 0 }, successRate: null, lastReflection: null, reasoner };
  return { soul: record.soul, name: record.name, ...fields, at: Date.now() } as unknown as BeingStatus;
}

class FakeWorker extends EventTarget {
  terminated = false;
  private readonly channel = new MessageChannel();
  emit: ((event: BeingWorkerEvent) => void) | null = null;

  constructor(readonly kind: Kind) {
    super();
    if (kind === "good") {
      let record: BeingRecord | null = null;
      expose(
        {
          warm: () => Promise.resolve(),
          onEvent: (cb: (event: BeingWorkerEvent) => void) => {
            this.emit = cb;
          },
          init: (r: BeingRecord) => {
            record = r;
            return statusOf(r, "ready");
          },
          start: () => statusOf(record!, "running"),
          heartbeat: () => Date.now(),
        },
        this.channel.port2,
      );
    }
    this.channel.port1.addEventListener("message", (event) => this.dispatchEvent(new MessageEvent("message", { data: event.data })));
    this.channel.port1.start();
    if (kind === "broken")
      setTimeout(() => this.dispatchEvent(Object.assign(new Event("error", { cancelable: true }), { message: "SyntaxError: Unexpected token" })), 5);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (this.kind === "good" && !this.terminated) this.channel.port1.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.channel.port1.close();
  }
}

const master: MasterApi = {
  createBeing: () => Promise.resolve({ soul: SOUL }),
  updateBeing: () => Promise.resolve(null),
};

const SPAWN = { name: "Ada", personality: "curious", goal: "learn", reasoner: "deterministic" } as const;

/** A host whose workers are `kinds`, in the order it makes them (the spare first); `good` after the list ends. */
async function hostWith(...kinds: Kind[]) {
  const made: FakeWorker[] = [];
  const host = await SwarmHost.create(master, () => {
    const worker = new FakeWorker(kinds[made.length] ?? "good");
    made.push(worker);
    return worker as unknown as Worker;
  });
  return { host, made };
}

let host: SwarmHost | null = null;

beforeEach(() => {
  // NOTE: Node has no Web Locks: every lock is free, and held until released.
  vi.stubGlobal("navigator", { locks: { request: (_name: string, _options: unknown, cb: (lock: object) => unknown) => Promise.resolve(cb({})) } });
});

afterEach(() => {
  host?.close();
  host = null;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("SwarmHost: a being worker that cannot boot", () => {
  it("says why when the spare worker's script fails, and a spawn still runs the being in a fresh worker", async () => {
    const made = await hostWith("broken").then((h) => ((host = h.host), h.made));
    await vi.waitFor(() => expect(host!.problem()).toMatch(/being worker failed to load \(SyntaxError: Unexpected token\)/));
    expect(made[0]!.terminated).toBe(true);

    const soul = await host!.spawn(SPAWN);
    expect(made.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(host!.get(soul)?.phase).toBe("running"));
    expect(host!.problem()).toBeNull();
  });

  it("gives up on a worker that never loads, says so, and a spawn is not left waiting for it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const made = await hostWith("silent").then((h) => ((host = h.host), h.made));
    const spawned = host!.spawn(SPAWN);
    await vi.advanceTimersByTimeAsync(WORKER_BOOT_TIMEOUT_MS);
    expect(host!.problem()).toMatch(new RegExp(`did not load sqlite-wasm within ${WORKER_BOOT_TIMEOUT_MS / 1000} s`));
    expect(made[0]!.terminated).toBe(true);
    vi.useRealTimers();
    const soul = await spawned;
    await vi.waitFor(() => expect(host!.get(soul)?.phase).toBe("running"));
  });

  it("puts the being in error, with the reason, when no worker boots, instead of hanging the start", async () => {
    host = (await hostWith("broken", "broken", "broken")).host;
    const soul = await host.spawn(SPAWN);
    const being = host.get(soul)!;
    expect(being.phase).toBe("error");
    expect(being.problem).toMatch(/being worker failed to load/);
    expect(host.problem()).toMatch(/being worker failed to load/);
  });
});

describe("SwarmHost: goal events", () => {
  it("tells every goal listener which being's goal ended, until it unsubscribes", async () => {
    const { host: h, made } = await hostWith("good");
    host = h;
    const soul = await h.spawn(SPAWN);
    await vi.waitFor(() => expect(h.get(soul)?.phase).toBe("running"));
    const heard: [string, GoalEnded][] = [];
    const stop = h.onGoal((s, ended) => heard.push([s, ended]));
    const ended: GoalEnded = { kind: "goal", id: "room-task-t1", outcome: "achieved", reason: "plan plan-2 succeeded", at: 1 };
    made[0]!.emit!(ended);
    await vi.waitFor(() => expect(heard).toEqual([[soul, ended]]));
    stop();
    made[0]!.emit!({ ...ended, id: "room-task-t2" });
    made[0]!.emit!({ kind: "notify", level: "info", text: "flush" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toHaveLength(1);
  });
});

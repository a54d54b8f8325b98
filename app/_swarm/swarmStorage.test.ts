import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadSwarmEntries, saveSwarmEntries, SWARM_STORAGE_KEY, type SwarmEntry } from "./swarmStorage";

const entry: SwarmEntry = {
  record: { soul: "01JABCDEF", name: "Ada", personality: "calm", goal: "learn about tides", reasoner: "deterministic", budget: 1000, periods: { reflex: 50 } },
  desired: "running",
};

describe("swarmStorage", () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    vi.stubGlobal("localStorage", { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("reads back what it saved", () => {
    saveSwarmEntries([entry]);
    expect(loadSwarmEntries()).toEqual([entry]);
  });

  it("reads nothing when nothing was saved", () => expect(loadSwarmEntries()).toEqual([]));

  it.each([["not json"], [JSON.stringify([{ record: { soul: "" }, desired: "running" }])], [JSON.stringify([{ ...entry, desired: "dancing" }])]])(
    "ignores a damaged store %#",
    (raw) => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      store.set(SWARM_STORAGE_KEY, raw);
      expect(loadSwarmEntries()).toEqual([]);
      expect(warn).toHaveBeenCalled();
    },
  );
});

import { describe, expect, it } from "vitest";
import { applyJournal, imageToBeing, type JournalEntry } from "./replayBeing";

const SOUL = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
let seq = 0;
const entry = (tx: number, op: JournalEntry["op"], branches: string[], change: JournalEntry["change"], old_branches: string[] | null = null): JournalEntry => ({
  seq: ++seq,
  soul: SOUL,
  op,
  branches,
  old_branches,
  tx,
  at: "2026-01-01T00:00:00.000Z",
  trace: null,
  change,
});
const row = (name: string, branches: string[]) => ({ soul: SOUL, genesis: { name }, branches, energy_level: 1, created_at: "2026-01-01T00:00:00.5" });

describe("applyJournal", () => {
  it("applies inserts, column diffs and deletes per branch", () => {
    const state = applyJournal({}, [entry(1, "I", ["main", "exp"], row("a", ["main", "exp"])), entry(2, "U", ["main", "exp"], { energy_level: 7 })]);
    expect(state["main"]!["energy_level"]).toBe(7);
    expect(state["exp"]).toEqual(state["main"]);
    expect(applyJournal(state, [entry(3, "D", ["main", "exp"], null)])).toEqual({});
  });

  it("replays a branch rewrite the same whichever statement of the transaction came first", () => {
    const base = applyJournal({}, [entry(1, "I", ["main", "exp"], row("a", ["main", "exp"]))]);
    const retireFirst = applyJournal(base, [entry(2, "U", ["main"], row("a", ["main"]), ["main", "exp"]), entry(2, "I", ["exp"], row("b", ["exp"]))]);
    const insertFirst = applyJournal(base, [entry(3, "I", ["exp"], row("b", ["exp"])), entry(3, "U", ["main"], row("a", ["main"]), ["main", "exp"])]);
    expect(insertFirst).toEqual(retireFirst);
    expect(retireFirst["exp"]!["genesis"]).toEqual({ name: "b" });
    expect(retireFirst["main"]!["genesis"]).toEqual({ name: "a" });
  });

  it("does not change the state it was given", () => {
    const base = applyJournal({}, [entry(1, "I", ["main"], row("a", ["main"]))]);
    const copy = structuredClone(base);
    applyJournal(base, [entry(2, "U", ["main"], { energy_level: 9 }), entry(3, "D", ["main"], null)]);
    expect(base).toEqual(copy);
  });
});

describe("imageToBeing", () => {
  it("writes times as the API does and fills what a row may leave null", () => {
    const being = imageToBeing({
      soul: SOUL,
      tags: null,
      energy_level: null,
      genesis: { name: "a" },
      created_at: "2026-01-01T00:00:00.5",
      updated_at: "2026-01-01T00:00:01",
      embedding: true,
    });
    expect(being).toMatchObject({
      tags: [],
      energy_level: 0,
      created_at: "2026-01-01T00:00:00.500000Z",
      updated_at: "2026-01-01T00:00:01.000000Z",
      has_embedding: true,
      attributes: {},
    });
  });
});

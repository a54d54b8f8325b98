import { describe, expect, it } from "vitest";
import { applyJournal, EMPTY_STATE, imageToBeing, parseState, relationshipsIn, rowIn, type JournalEntry, type TimelineEntry } from "./replayBeing";

const SOUL = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
let seq = 0;
const entry = (
  tx: number,
  op: JournalEntry["op"],
  branches: string[],
  change: JournalEntry["change"],
  old_branches: string[] | null = null,
  layer: JournalEntry["layer"] = "base",
): JournalEntry => ({
  seq: ++seq,
  soul: SOUL,
  op,
  layer,
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
    const state = applyJournal(EMPTY_STATE, [entry(1, "I", ["main", "exp"], row("a", ["main", "exp"])), entry(2, "U", ["main", "exp"], { energy_level: 7 })]);
    expect(state.rows["main"]!["energy_level"]).toBe(7);
    expect(state.rows["exp"]).toEqual(state.rows["main"]);
    expect(applyJournal(state, [entry(3, "D", ["main", "exp"], null)])).toEqual(EMPTY_STATE);
  });

  it("replays a branch rewrite the same whichever statement of the transaction came first", () => {
    const base = applyJournal(EMPTY_STATE, [entry(1, "I", ["main", "exp"], row("a", ["main", "exp"]))]);
    const retireFirst = applyJournal(base, [entry(2, "U", ["main"], row("a", ["main"]), ["main", "exp"]), entry(2, "I", ["exp"], row("b", ["exp"]))]);
    const insertFirst = applyJournal(base, [entry(3, "I", ["exp"], row("b", ["exp"])), entry(3, "U", ["main"], row("a", ["main"]), ["main", "exp"])]);
    expect(insertFirst).toEqual(retireFirst);
    expect(retireFirst.rows["exp"]!["genesis"]).toEqual({ name: "b" });
    expect(retireFirst.rows["main"]!["genesis"]).toEqual({ name: "a" });
  });

  it("does not change the state it was given", () => {
    const base = applyJournal(EMPTY_STATE, [entry(1, "I", ["main"], row("a", ["main"]))]);
    const copy = structuredClone(base);
    applyJournal(base, [entry(2, "U", ["main"], { energy_level: 9 }), entry(3, "D", ["main"], null)]);
    expect(base).toEqual(copy);
  });
});

describe("a branch's view of a being", () => {
  const BRANCH = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
  const CHILD = "8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a";
  const base = applyJournal(EMPTY_STATE, [entry(1, "I", ["main"], row("main's", ["main"]))]);

  it("sees its own version over the row it reads through, and a tombstone as the being gone", () => {
    const versioned = applyJournal(base, [entry(2, "I", [BRANCH], { ...row("branch's", [BRANCH]), deleted: false }, null, "version")]);
    expect(rowIn(versioned, ["main"])!["genesis"]).toEqual({ name: "main's" });
    expect(rowIn(versioned, [BRANCH, "main"])!["genesis"]).toEqual({ name: "branch's" });
    expect(rowIn(versioned, [CHILD, BRANCH, "main"])!["genesis"]).toEqual({ name: "branch's" });
    expect(rowIn(versioned, [CHILD])).toBeNull();
    const tombstone = applyJournal(versioned, [entry(3, "U", [BRANCH], { deleted: true }, null, "version")]);
    expect(rowIn(tombstone, [BRANCH, "main"])).toBeNull();
    expect(rowIn(tombstone, ["main"])).not.toBeNull();
    // a merge moves the version's contents into main and deletes the version in one transaction
    const merged = applyJournal(versioned, [entry(4, "U", ["main"], { genesis: { name: "branch's" } }), entry(4, "D", [BRANCH], null, null, "version")]);
    expect(merged.versions).toEqual({});
    expect(rowIn(merged, [BRANCH, "main"])!["genesis"]).toEqual({ name: "branch's" });
  });

  it("replays relationships by id and shows those tagged with a visible branch", () => {
    const rel = (id: string, branches: string[]): TimelineEntry => ({
      journal: "relationship",
      seq: ++seq,
      id,
      op: "I",
      source_soul: SOUL,
      target_soul: BRANCH,
      old_source_soul: null,
      old_target_soul: null,
      tx: 9,
      at: "2026-01-01T00:00:00.000Z",
      trace: null,
      change: { id, source_soul: SOUL, target_soul: BRANCH, branches },
    });
    const state = applyJournal(base, [rel("a", ["main"]), rel("b", [BRANCH])]);
    expect(relationshipsIn(state, ["main"]).map((r) => r["id"])).toEqual(["a"]);
    expect(relationshipsIn(state, [BRANCH, "main"]).map((r) => r["id"])).toEqual(["a", "b"]);
    const gone = applyJournal(state, [{ ...rel("a", ["main"]), op: "D", change: null, tx: 10 }]);
    expect(relationshipsIn(gone, [BRANCH, "main"]).map((r) => r["id"])).toEqual(["b"]);
  });

  it("reads snapshots written before versions and relationships were journaled", () => {
    expect(parseState({ main: { soul: SOUL } })).toEqual({ rows: { main: { soul: SOUL } }, versions: {}, relationships: {} });
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

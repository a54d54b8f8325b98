import { afterEach, describe, expect, it } from "vitest";
import { MAIN_BRANCH } from "../../lib/constants";
import { LuxRunner } from "./LuxRunner";
import { MicroWorld } from "./microWorld";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const BRANCH = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e60";
const CHILD = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e61";
const opened: MicroWorld[] = [];

afterEach(() => {
  for (const w of opened.splice(0)) w.close();
});

/** A runner over an in-memory micro-world, a fake master that records every call and a Python that answers 42. */
async function runner(home?: string) {
  const world = await MicroWorld.createInMemory(SOUL);
  opened.push(world);
  const calls: { kind: string; path: string; input: unknown }[] = [];
  const master = {
    read: (path: string, input: unknown) => {
      calls.push({ kind: "read", path, input });
      return Promise.resolve(path === "beings.list" ? { items: [] } : { answer: "", answered_by: "", hits: [], took_ms: 0 });
    },
    mutation: (path: string, input: unknown) => {
      calls.push({ kind: "mutation", path, input });
      return Promise.resolve(path === "beings.create" ? { soul: CHILD } : { id: "r" });
    },
  };
  const python = () => Promise.resolve({ value: 42, ms: 30 });
  return { world, calls, lux: new LuxRunner(SOUL, "Ada", () => world, python, master, home) };
}

const PROGRAM = [
  'LOAD master query "tag:ticket" AS tickets',
  'RUN python "result = 6 * 7" AS answer',
  'REMEMBER {answer: answer, who: personality.name} AS "the answer"',
  'SUMMON "helper" WITH {personality: "calm"} AS helper',
  "REPORT {answer: answer, input: input} TO master",
].join("\n");

const outbox = (w: MicroWorld) => w.peek(10_000, Number.MAX_SAFE_INTEGER).map((e) => JSON.parse(e.envelope) as { type: string; branch: string });

describe("LuxRunner in a branch", () => {
  it("carries the branch in every master call, fact, trace event, memory and spend entry, and books the spend to the task", async () => {
    const { world, calls, lux } = await runner();
    const view = await lux.run(
      { source: PROGRAM, branch: BRANCH, task: "fan-out:t", budget: 5_000, variables: { input: "refund", personality: { name: "warm" } } },
      () => {},
    );
    expect(view.error).toBeNull();
    expect(view.output).toEqual({ answer: 42, input: "refund" });
    expect(calls.map((c) => [c.path, (c.input as Record<string, unknown>)["branch"] ?? (c.input as Record<string, unknown>)["branches"]])).toEqual([
      ["beings.list", BRANCH],
      ["beings.create", BRANCH],
      ["relationships.create", BRANCH],
    ]);
    const events = outbox(world);
    expect(events.some((e) => e.type === "knowledge.learned")).toBe(true);
    expect(new Set(events.map((e) => e.branch))).toEqual(new Set([BRANCH]));
    expect(world.memoriesOf("lux", 10).map((m) => m.data)).toEqual([{ key: "the answer", value: { answer: 42, who: "warm" }, branch: BRANCH }]);
    const spend = world.peekSpend(100, Date.now()).map((e) => [e.kind, e.branch, e.task]);
    expect(spend).toEqual([
      ["lux", BRANCH, "fan-out:t"],
      ["sandbox", BRANCH, "fan-out:t"],
    ]);
  });

  it("RECALL in one branch does not find what a run in another branch REMEMBERed", async () => {
    const { lux } = await runner();
    await lux.run({ source: 'REMEMBER "the refund is approved" AS "refund"', branch: BRANCH }, () => {});
    const inMain = await lux.run({ source: 'RECALL "refund" AS found\nSET output = found', branch: MAIN_BRANCH }, () => {});
    expect(inMain.output).toEqual([]);
    const inBranch = await lux.run({ source: 'RECALL "refund" AS found\nSET output = found', branch: BRANCH }, () => {});
    expect(inBranch.output).toEqual(["the refund is approved"]);
  });

  it("a being genesis'd in a branch runs there when the request names none; in main, calls go out as they were", async () => {
    const home = await runner(BRANCH);
    await home.lux.run({ source: 'LOAD master query "x" AS x\nREPORT "seen" TO master' }, () => {});
    expect(home.calls[0]!.input).toMatchObject({ branch: BRANCH });
    expect(outbox(home.world).every((e) => e.branch === BRANCH)).toBe(true);
    const main = await runner();
    await main.lux.run({ source: 'LOAD master query "x" AS x\nREPORT "seen" TO master' }, () => {});
    expect(main.calls[0]!.input).not.toHaveProperty("branch");
    expect(outbox(main.world).every((e) => e.branch === MAIN_BRANCH)).toBe(true);
    expect(main.world.peekSpend(10, Date.now())[0]).toMatchObject({ branch: MAIN_BRANCH, task: expect.stringMatching(/^lux-run:/) });
  });
});

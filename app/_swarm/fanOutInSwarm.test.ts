import { describe, expect, it } from "vitest";
import type { Branch, FanOutRun, FanOutTask } from "../../lib/branches/schemas";
import type { LuxRunRequest, LuxRunView } from "../../workers/being/api";
import { runFanOut, type FanOutDeps, type VariantProgress } from "./fanOutInSwarm";

const branch = (id: string, name: string): Branch => ({
  id,
  name,
  purpose: "fan-out fan-out:t",
  parent: "main",
  isolation: "read-through",
  subscribe: [],
  creator: null,
  budget: 500,
  status: "open",
  forked_at: "2026-11-21T00:00:00.000Z",
  closed_at: null,
  visible: [id, "main"],
});

const TASK: FanOutTask = {
  task: "fan-out:t",
  input: "refund",
  program: 'REPORT personality.opening + " " + input TO master',
  budget: 500,
  variants: ["warm", "terse"].map((name, i) => ({
    name,
    personality: { opening: name },
    branch: branch(`b${i}`, name),
    being: { soul: `s${i}`, name, personality: name, goal: "", reasoner: "deterministic" as const, budget: 10_000 },
  })),
};

function view(request: LuxRunRequest, ok = true): LuxRunView {
  const vars = request.variables as { input: string; personality: { opening: string } };
  return {
    ok,
    steps: 2,
    spent: 7,
    budget: request.budget ?? 0,
    traceid: "t",
    error: ok ? null : { message: "boom", reason: "host_error", line: 1, column: 1 },
    reported: [],
    output: ok ? `${vars.personality.opening} ${vars.input}` : null,
    variables: {},
    ms: 1,
  };
}

function deps(failing = new Set<string>()) {
  const started: unknown[] = [];
  const requests: LuxRunRequest[] = [];
  const recorded: unknown[] = [];
  const d: FanOutDeps = {
    start: (record) => {
      started.push(record);
      return Promise.resolve();
    },
    run: (soul, request, onSteps) => {
      requests.push(request);
      onSteps([{ index: 0, statement: "REPORT", line: 1, column: 1, output: "", tiki: 3, spent: 3 }]);
      if (soul === "s1" && failing.has("crash")) return Promise.reject(new Error("the worker crashed"));
      return Promise.resolve(view(request, !failing.has(soul)));
    },
    record: (input) => {
      recorded.push(input);
      const run: FanOutRun = {
        branch: TASK.variants.find((v) => v.branch.id === input.branch)!.branch,
        ok: input.ok && input.output !== null,
        output: input.output,
        output_soul: input.output === null ? null : `out-${input.branch}`,
        tiki: input.tiki,
        steps: input.steps,
        error: input.error,
      };
      return Promise.resolve(run);
    },
  };
  return { d, started, requests, recorded };
}

describe("runFanOut", () => {
  it("runs each variant's being in its own branch, booked to the task, and records each output", async () => {
    const { d, started, requests, recorded } = deps();
    const seen = new Map<string, VariantProgress[]>();
    await runFanOut(TASK, d, (b, p) => seen.set(b, [...(seen.get(b) ?? []), p]));
    expect(started).toEqual([expect.objectContaining({ soul: "s0", branch: "b0", goal: "" }), expect.objectContaining({ soul: "s1", branch: "b1", goal: "" })]);
    expect(requests.map((r) => [r.branch, r.task, r.variables])).toEqual([
      ["b0", "fan-out:t", { input: "refund", personality: { opening: "warm" } }],
      ["b1", "fan-out:t", { input: "refund", personality: { opening: "terse" } }],
    ]);
    expect(recorded).toEqual([
      { branch: "b0", being: "s0", ok: true, output: "warm refund", error: null, tiki: 7, steps: 2 },
      { branch: "b1", being: "s1", ok: true, output: "terse refund", error: null, tiki: 7, steps: 2 },
    ]);
    expect(seen.get("b0")!.map((p) => p.phase)).toEqual(["starting", "running", "running", "recording", "done"]);
    expect(seen.get("b0")![2]).toMatchObject({ steps: 1, tiki: 3 });
    expect(seen.get("b1")!.at(-1)!.run?.output).toBe("terse refund");
  });

  it("a variant that fails says why and leaves the others to finish", async () => {
    const { d, recorded } = deps(new Set(["crash"]));
    const last = new Map<string, VariantProgress>();
    await runFanOut(TASK, d, (b, p) => last.set(b, p));
    expect(last.get("b1")).toMatchObject({ phase: "failed", problem: "the worker crashed" });
    expect(last.get("b0")).toMatchObject({ phase: "done" });
    expect(recorded).toHaveLength(1);
  });

  it("a run that fails is still recorded, with its error and no output", async () => {
    const { d, recorded } = deps(new Set(["s0"]));
    await runFanOut(TASK, d, () => {});
    expect(recorded[0]).toEqual({ branch: "b0", being: "s0", ok: false, output: null, error: "boom", tiki: 7, steps: 2 });
  });
});

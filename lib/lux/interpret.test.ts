import { describe, expect, it } from "vitest";
import { parseEvent, seededRandomBytes } from "../events";
import { TIKI_COSTS } from "../tiki";
import { compile } from "./compile";
import { createMemoryHost, type MemoryHostOptions } from "./createMemoryHost";
import { runLux, runSteps } from "./interpret";
import { LuxDocument } from "./values";

const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";

function program(source: string) {
  const { program, diagnostics } = compile(source);
  expect(diagnostics).toEqual([]);
  return program;
}

async function run(source: string, hostOptions: MemoryHostOptions = {}, budget?: number) {
  const host = createMemoryHost(hostOptions);
  const result = await runLux(program(source), { host, budget, source: SOUL, randomBytes: seededRandomBytes(7) });
  return { host, result };
}

const EXAMPLES = [
  { text: "refund my payment, I was billed twice", label: "billing" },
  { text: "the invoice amount is wrong", label: "billing" },
  { text: "the app crashes when I upload a file", label: "bug" },
  { text: "error message and a frozen page after clicking save", label: "bug" },
  { text: "I forgot my password and cannot log in", label: "account" },
  { text: "change the email address of my account", label: "account" },
];

describe("runLux", () => {
  it("SET, + and field access compute values", async () => {
    const { result } = await run(
      'SET a = {n: 2, name: "x"}\nSET b = a.n + 3\nSET c = a.name + "y" + b\nSET d = [1] + [2, 3]\nSET e = d.length > 2 and not false',
    );
    expect(result.ok).toBe(true);
    expect(Object.fromEntries(result.variables)).toEqual({ a: { n: 2, name: "x" }, b: 5, c: "xy5", d: [1, 2, 3], e: true });
  });

  it("FOR EACH and IF take the right paths", async () => {
    const { host, result } = await run(
      "SET seen = []\nFOR EACH n IN [1, 2, 3, 4]\n  IF n > 2\n    SET seen = seen + [n]\n  ELSE\n    REMEMBER n\n  END\nEND\nREPORT seen TO master",
    );
    expect(result.ok).toBe(true);
    expect(host.reports).toEqual([[3, 4]]);
    expect(host.memories.map((m) => m.value)).toEqual([1, 2]);
    expect(result.variables.has("n")).toBe(false);
  });

  it("costs every step from the one table in lib/tiki.ts", async () => {
    const { result } = await run('SET q = "hi"\nASK master q AS a\nREMEMBER q\nSUMMON "w" WITH {program: ""} AS w\nWAIT 2s');
    expect(result.steps.map((s) => [s.statement, s.tiki])).toEqual([
      ["SET", TIKI_COSTS.lux_step],
      ["ASK", TIKI_COSTS.master_call],
      ["REMEMBER", TIKI_COSTS.memory_op],
      ["SUMMON", TIKI_COSTS.summon],
      ["WAIT", TIKI_COSTS.lux_step],
    ]);
    expect(result.spent).toBe(TIKI_COSTS.lux_step * 2 + TIKI_COSTS.master_call + TIKI_COSTS.memory_op + TIKI_COSTS.summon);
    expect(result.steps.at(-1)!.spent).toBe(result.spent);
  });

  it("EMBED costs by characters and makes documents", async () => {
    const { result } = await run(`SET t = "${"a".repeat(2500)}"\nEMBED t AS d\nEMBED ["x", "y"] AS ds`);
    expect(result.steps[1]!.tiki).toBe(TIKI_COSTS.lux_step + 25);
    expect(result.variables.get("d")).toBeInstanceOf(LuxDocument);
    expect((result.variables.get("ds") as LuxDocument[]).map((d) => d.text)).toEqual(["x", "y"]);
  });

  it("a budget stops the run with an error naming the step, its line and the spend", async () => {
    const { result, host } = await run("SET a = 1\nREPORT a TO master\nREPORT a TO master", {}, 60);
    expect(result.ok).toBe(false);
    expect(result.error?.reason).toBe("over_budget");
    expect(result.error?.statement).toBe("REPORT");
    expect(result.error?.span?.line).toBe(3);
    expect(result.error?.message).toBe(
      "REPORT on line 3 costs 50 Tiki (master_call 50) but only 9 of 60 remain (51 spent); raise the budget or make the program cheaper",
    );
    expect(result.steps).toHaveLength(2);
    expect(host.reports).toHaveLength(1);
  });

  it("CLASSIFY picks the nearest label from the host's examples", async () => {
    const { result } = await run(
      'SET t = ["I was charged twice, please refund", "the app crashes on upload", "I cannot log in, forgot password"]\nCLASSIFY t INTO ["billing", "bug", "account"] AS labels\nCLASSIFY "wrong invoice amount" INTO ["billing", "bug"] AS one',
      { examples: EXAMPLES },
    );
    expect(result.error).toBeNull();
    expect(result.variables.get("labels")).toEqual(["billing", "bug", "account"]);
    expect(result.variables.get("one")).toBe("billing");
  });

  it("CLASSIFY USING the program's own examples, and USING reasoner", async () => {
    const { result } = await run(
      'SET ex = [{text: "sunny and warm", label: "weather"}, {text: "rain and wind tomorrow", label: "weather"}, {text: "goal in the last minute", label: "sport"}, {text: "the team won the match", label: "sport"}]\nCLASSIFY "heavy rain and strong wind" INTO ["weather", "sport"] USING ex AS a\nCLASSIFY "x" INTO ["yes", "no"] USING reasoner AS b',
      { reason: () => "no" },
    );
    expect(result.error).toBeNull();
    expect(result.variables.get("a")).toBe("weather");
    expect(result.variables.get("b")).toBe("no");
  });

  it("CLASSIFY with no examples fails saying what to do", async () => {
    const { result } = await run('CLASSIFY "x" INTO ["a"] AS c');
    expect(result.error?.message).toBe("CLASSIFY on line 1: no labelled examples for a; give some with USING, or ask the reasoner with USING reasoner");
  });

  it("every step emits a lux.step event in one trace", async () => {
    const { host, result } = await run('SET a = 1\nEMIT "test.ping" {a: a}');
    const types = host.events.map((e) => e.type);
    expect(types).toEqual(["lux.start", "lux.step", "test.ping", "lux.step", "lux.end"]);
    const root = host.events[0]!;
    for (const e of host.events) {
      expect(parseEvent(JSON.parse(JSON.stringify(e))).ok).toBe(true);
      expect(e.traceid).toBe(root.traceid);
      expect(e.source).toBe(SOUL);
      if (e !== root) expect(e.parentspanid).toBe(root.spanid);
    }
    expect(host.events[1]!.data).toEqual({ statement: "SET", line: 1, column: 1, output: "1", tiki: 1, spent: 1 });
    expect(host.events[2]!.data).toEqual({ a: 1 });
    expect(result.traceid).toBe(root.traceid);
    expect(host.events[4]!.data).toEqual({ ok: true, spent: 2, steps: 2 });
  });

  it("runSteps yields step by step and stops when aborted", async () => {
    const host = createMemoryHost();
    const controller = new AbortController();
    const iterator = runSteps(program("SET a = 1\nSET b = 2\nSET c = 3"), { host, signal: controller.signal });
    const first = await iterator.next();
    expect(first.done).toBe(false);
    controller.abort();
    await expect(iterator.next()).rejects.toThrow("stopped before SET on line 2: the run was interrupted");
    expect(host.events.at(-1)!.data).toMatchObject({ ok: false, reason: "interrupted", steps: 1 });
  });

  it("STOP ends the run successfully", async () => {
    const { result } = await run("SET a = 1\nIF a == 1\n  STOP\nEND\nSET b = 2");
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.statement)).toEqual(["SET", "IF", "STOP"]);
  });

  it("RUN python without a sandbox fails clearly", async () => {
    const { result } = await run('RUN python """print(1)""" AS out');
    expect(result.error?.message).toBe(
      "RUN on line 1: RUN python runs only in a being in the browser, whose sandbox keeps Python away from the network, storage and the page; Node has no such sandbox",
    );
    const ran = await run('RUN python """print(1)""" AS out', { run: () => ({ value: "1", ms: 1500 }) });
    expect(ran.result.steps[0]!.tiki).toBe(TIKI_COSTS.lux_step + 300);
  });

  it("LOAD reads files, rows, queries and urls (http/https only) from the host", async () => {
    const { result } = await run('LOAD file "a.txt" AS a\nLOAD rows from t AS r\nLOAD master query "q" AS q\nLOAD url "https://x.test/" AS u', {
      files: { "a.txt": "hello" },
      tables: { t: [{ id: 1 }] },
      queries: { q: [{ n: 2 }] },
      urls: { "https://x.test/": "page" },
    });
    expect(result.error).toBeNull();
    expect(Object.fromEntries(result.variables)).toEqual({ a: "hello", r: [{ id: 1 }], q: [{ n: 2 }], u: "page" });
    const bad = await run('SET u = "file:///etc/passwd"\nLOAD url u AS p');
    expect(bad.result.error?.message).toBe("LOAD on line 2: LOAD url fetches http and https only, not file:");
  });

  it("CALL asks another being and times out", async () => {
    const { result, host } = await run('CALL being "echo" WITH {q: 1} AS r', { beings: { echo: (input) => ({ got: input }) } });
    expect(result.variables.get("r")).toEqual({ got: { q: 1 } });
    expect(host.calls).toEqual([{ being: "echo", input: { q: 1 } }]);
    const slow = await run('CALL being "slow" WITH 1 TIMEOUT 20ms AS r', { beings: { slow: () => new Promise(() => undefined) } });
    expect(slow.result.error?.message).toBe("CALL on line 1: slow did not answer within 20 ms");
  });

  it("RECALL finds what REMEMBER kept; ASK finds what REPORT told the master", async () => {
    const { result } = await run(
      'REMEMBER "the invoice was paid on friday" AS "invoice"\nREMEMBER "the cat is asleep"\nRECALL "invoice paid" AS m\nREPORT "postgres runs the master" TO master\nASK master "what runs the master?" AS a',
    );
    expect((result.variables.get("m") as string[])[0]).toBe("the invoice was paid on friday");
    expect(result.variables.get("a")).toMatchObject({
      answer: "postgres runs the master",
      offline: false,
      hits: [{ text: "postgres runs the master", sources: ["report"] }],
    });
  });

  it("a runtime type error names the step and line", async () => {
    const host = createMemoryHost();
    const result = await runLux(compile('SET a = 1 - "x"').program, { host });
    expect(result.error?.message).toBe("SET on line 1: - takes numbers, not number and text");
  });

  it("a step limit stops runaway work", async () => {
    const { result } = await run("FOR EACH a IN [1, 2, 3]\n  FOR EACH b IN [1, 2, 3]\n    SET c = a + b\n  END\nEND");
    expect(result.ok).toBe(true);
    const host = createMemoryHost();
    const limited = await runLux(program("FOR EACH a IN [1, 2, 3]\n  SET c = a\nEND"), { host, maxSteps: 3 });
    expect(limited.error?.reason).toBe("step_limit");
  });
});

describe("interrupting a WAIT", () => {
  it("a host sleep that ends on abort stops the run at the WAIT", async () => {
    const controller = new AbortController();
    const host = createMemoryHost();
    host.sleep = (_ms, signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    const running = runLux(program("WAIT 1h\nSET a = 1"), { host, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const result = await running;
    expect(result.error?.reason).toBe("interrupted");
    expect(result.error?.message).toBe("WAIT on line 1: the run was interrupted");
    expect(result.variables.has("a")).toBe(false);
  });
});

import { loadPyodide, type PyodideInterface } from "pyodide";
import { beforeAll, describe, expect, it } from "vitest";
import type { CallOutcome } from "../sandbox/createSandbox";
import { snippetValue, wrapSnippet } from "./pythonSnippet";

const outcome = (over: Partial<CallOutcome>): CallOutcome =>
  ({ ok: true, value: null, stdout: "", stderr: "", ms: 3, tiki: 1, calls: [], ...over }) as CallOutcome;

describe("Lux RUN python snippets", () => {
  let py: PyodideInterface;
  beforeAll(async () => {
    py = await loadPyodide();
  }, 120_000);

  // NOTE: the real Python, in Node: the wrapped snippet must be a valid entry point whatever indentation the Lux text had.
  const call = (code: string): unknown => {
    const ns = py.toPy({}) as { get(name: string): unknown; destroy(): void };
    py.runPython(wrapSnippet(code), { globals: ns as never });
    const fn = ns.get("function") as (() => unknown) & { destroy(): void };
    const value = fn();
    fn.destroy();
    ns.destroy();
    return value;
  };

  it("answers `result` when the snippet sets it, dedenting the Lux text", () => {
    expect(call("\n  import statistics\n  result = statistics.mean([1, 2, 3])\n")).toBe(2);
  });

  it("answers what the snippet returns", () => {
    expect(call("return 6 * 7")).toBe(42);
  });

  it("keeps nested blocks and tabs as written", () => {
    expect(call("\ttotal = 0\n\tfor i in range(4):\n\t\ttotal += i\n\tresult = total")).toBe(6);
  });

  it("is valid even when empty", () => {
    expect(call("   \n")).toBeUndefined();
  });

  it("uses what was printed when nothing is answered", () => {
    expect(snippetValue(outcome({ stdout: "hello\n" }))).toEqual({ value: "hello", ms: 3 });
    expect(snippetValue(outcome({ value: 5, stdout: "noise\n" })).value).toBe(5);
  });

  it("turns a Python failure into a sentence with Python's own words", () => {
    const failed = { ...outcome({}), ok: false, error: { type: "ZeroDivisionError", message: "division by zero", traceback: "..." } } as CallOutcome;
    expect(() => snippetValue(failed)).toThrow("Python raised ZeroDivisionError: division by zero");
  });
});

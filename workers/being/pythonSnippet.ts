/**
 * Lux `RUN python """…""" AS x` in a being: the snippet runs through the tab's kernel, on a sandbox worker of its CPU queue's pool
 * as the body of an entry point. Its value is what it returns, else the variable `result` it set, else what it printed.
 */
import type { CallOutcome } from "../sandbox/createSandbox";
import type { Capability, Runnable } from "../../lib/sandbox/protocol";
import { LUX_PYTHON_TIME_LIMIT_MS } from "./constants";

/** The snippet, dedented, as the body of `def function(**kwargs)`; `result` (when set) is what it answers. */
export function wrapSnippet(code: string): string {
  const lines = code.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length > 0 && lines[0]!.trim() === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  const body = lines.map((l) => (l.trim() === "" ? "" : `    ${l.slice(cut)}`));
  // NOTE: `pass` keeps an empty snippet valid Python; the last line hands back `result` when the code set one.
  return ["def function(**kwargs):", "    pass", ...body, '    return locals().get("result")', ""].join("\n");
}

/** What a RUN step gets from the sandbox's outcome; a failure becomes the step's error, with Python's own words. */
export function snippetValue(outcome: CallOutcome): { value: unknown; ms: number } {
  if (!outcome.ok) {
    const last = outcome.error.traceback.trim().split("\n").at(-1);
    throw new Error(`Python raised ${outcome.error.type}: ${outcome.error.message || last || "no message"}`);
  }
  const value = outcome.value ?? (outcome.stdout === "" ? null : outcome.stdout.replace(/\n$/, ""));
  return { value, ms: outcome.ms };
}

export interface SnippetRunnerOptions {
  readonly soul: string;
  readonly name: string;
  /** Runs the wrapped snippet: the tab's kernel (its CPU queue); an abort cancels it there, waiting or running. */
  readonly run: (being: Runnable, options: { timeLimitMs: number }, signal: AbortSignal) => Promise<CallOutcome>;
  readonly capabilities?: readonly Capability[];
}

/** A `runPython` for the being's Lux host: each RUN waits its turn in the kernel's CPU queue; Stop cancels it there. */
export function createSnippetRunner(options: SnippetRunnerOptions) {
  return async (code: string, signal: AbortSignal): Promise<{ value: unknown; ms: number }> => {
    signal.throwIfAborted();
    const outcome = await options.run(
      { soul: options.soul, name: options.name, version: 0, source: wrapSnippet(code), attributes: {}, capabilities: [...(options.capabilities ?? [])] },
      { timeLimitMs: LUX_PYTHON_TIME_LIMIT_MS },
      signal,
    );
    signal.throwIfAborted();
    return snippetValue(outcome);
  };
}

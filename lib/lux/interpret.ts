import { Interpreter, Stopped } from "./Interpreter";
import { LuxRuntimeError } from "./LuxRuntimeError";
import type { Program } from "./ast";
import type { LuxRunResult, LuxStep, RunOptions } from "./runTypes";

export type { LuxRunResult, LuxStep, RunOptions } from "./runTypes";

/**
 * Runs a program step by step, yielding each step as it finishes; returns the result when the program ends.
 * Throws a LuxRuntimeError when a step fails, the budget runs out or the signal aborts.
 * Pass a program that `check` accepted; a malformed one fails with the reason at the step it reaches.
 *
 * @example for await (const step of runSteps(program, { host })) console.log(step.line, step.statement, step.tiki)
 */
export async function* runSteps(program: Program, options: RunOptions): AsyncGenerator<LuxStep, LuxRunResult, void> {
  const run = new Interpreter(options);
  try {
    yield* run.block(program.statements);
  } catch (error) {
    if (!(error instanceof Stopped)) {
      const e = asRuntimeError(error);
      run.finish(e);
      throw e;
    }
  }
  return run.finish(null);
}

/** Runs a program to its end and collects the trace; a failed run is `ok: false` with the error and the steps before it. */
export async function runLux(program: Program, options: RunOptions): Promise<LuxRunResult> {
  const run = new Interpreter(options);
  try {
    for await (const _step of run.block(program.statements));
  } catch (error) {
    if (!(error instanceof Stopped)) return run.finish(asRuntimeError(error));
  }
  return run.finish(null);
}

function asRuntimeError(error: unknown): LuxRuntimeError {
  if (error instanceof LuxRuntimeError) return error;
  return new LuxRuntimeError("host_error", error instanceof Error ? error.message : String(error));
}

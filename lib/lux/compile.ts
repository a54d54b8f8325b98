import type { Program } from "./ast";
import { check } from "./check";
import type { Diagnostic } from "./diagnostics";
import { parse } from "./parse";

/**
 * Parses and checks: the program, and every problem in source order. Run it only when `diagnostics` is empty.
 * The static checks run only on a program that parsed cleanly, so a typo does not also report the variables it would have set.
 *
 * @example const { program, diagnostics } = compile(source); if (diagnostics.length === 0) await runLux(program, { host })
 */
export function compile(source: string, predefined: Iterable<string> = []): { program: Program; diagnostics: Diagnostic[] } {
  const parsed = parse(source);
  const found = parsed.diagnostics.length > 0 ? parsed.diagnostics : check(parsed.program, predefined);
  const diagnostics = [...found].sort((a, b) => a.span.offset - b.span.offset);
  return { program: parsed.program, diagnostics };
}

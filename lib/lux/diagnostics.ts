import type { Span } from "./ast";

/** One problem in a program, where it is, and what to do about it. */
export interface Diagnostic {
  readonly message: string;
  readonly hint?: string | undefined;
  readonly span: Span;
}

/** The edit distance between two strings, counting a swap of neighbours as one edit (LAOD → LOAD is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a third of the word's length (at most 3 edits; none for words under 3 characters), or null. */
export function closest(word: string, candidates: Iterable<string>, compare: (s: string) => string = (s) => s): string | null {
  let best: string | null = null;
  let bestDistance = Math.min(3, Math.floor(word.length / 3));
  if (bestDistance === 0) return null;
  for (const candidate of candidates) {
    const d = editDistance(compare(word), compare(candidate));
    if (d <= bestDistance && (best === null || d < bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * A diagnostic as an editor shows it: `file:line:col: message`, the source line, a caret under the spot, the hint.
 *
 * @example
 * formatDiagnostic(d, source, "triage.lux")
 * // triage.lux:3:1: unknown statement LAOD
 * //    3 | LAOD "hello" AS text
 * //      | ^^^^
 * //   hint: did you mean LOAD?
 */
export function formatDiagnostic(diagnostic: Diagnostic, source: string, file = "<input>"): string {
  const { line, column, length } = diagnostic.span;
  const text = (source.split(/\r?\n/)[line - 1] ?? "").replace(/\t/g, " ");
  const gutter = String(line).padStart(4);
  const width = Math.max(1, Math.min(length, Math.max(1, text.length - column + 1)));
  const lines = [
    `${file}:${line}:${column}: ${diagnostic.message}`,
    `${gutter} | ${text}`,
    `${" ".repeat(gutter.length)} | ${" ".repeat(Math.max(0, column - 1))}${"^".repeat(width)}`,
  ];
  if (diagnostic.hint) lines.push(`  hint: ${diagnostic.hint}`);
  return lines.join("\n");
}

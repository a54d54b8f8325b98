import type { Span } from "./ast";
import type { Diagnostic } from "./diagnostics";

export type TokenKind = "word" | "number" | "duration" | "text" | "punct" | "newline" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for `text`, with its quotes). */
  readonly text: string;
  /** The string a text literal means, the number a number means, milliseconds for a duration. */
  readonly value?: string | number;
  readonly span: Span;
}

const PUNCT = ["==", "!=", "<=", ">=", "[", "]", "{", "}", "(", ")", ",", ":", ".", "=", "<", ">", "+", "-"];
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", '"': '"', "\\": "\\", r: "\r" };

/**
 * Splits Lux source into tokens; a `newline` token ends every line that held one, `#` starts a comment.
 * Never throws: a character it cannot read becomes a diagnostic and is skipped.
 */
export function tokenize(source: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // NOTE: inside [ ] { } ( ) a newline does not end the statement, so lists and records may span lines.
  let depth = 0;
  const span = (start: number, startLine: number, startLineStart: number): Span => ({
    line: startLine,
    column: start - startLineStart + 1,
    offset: start,
    length: Math.max(1, i - start),
  });
  // NOTE: two object shapes, no spread: tokenizing is the hot path of a 10k-line parse.
  const push = (kind: TokenKind, start: number, value?: string | number, startLine = line, startLineStart = lineStart) =>
    tokens.push(
      value === undefined
        ? { kind, text: source.slice(start, i), span: span(start, startLine, startLineStart) }
        : { kind, text: source.slice(start, i), value, span: span(start, startLine, startLineStart) },
    );

  while (i < source.length) {
    const c = source[i]!;
    const start = i;
    if (c === "\n") {
      i++;
      // NOTE: an unclosed bracket must not swallow the program: a line that starts like a statement closes it.
      if (depth > 0 && startsStatement(source, i)) depth = 0;
      if (depth === 0 && tokens.length > 0 && tokens[tokens.length - 1]!.kind !== "newline") push("newline", start);
      line++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (isWordStart(source.charCodeAt(i))) {
      while (i < source.length && isWordPart(source.charCodeAt(i))) i++;
      push("word", start);
    } else if (isDigit(source.charCodeAt(i))) {
      while (i < source.length && isDigit(source.charCodeAt(i))) i++;
      if (source[i] === "." && isDigit(source.charCodeAt(i + 1))) {
        i++;
        while (i < source.length && isDigit(source.charCodeAt(i))) i++;
      }
      const n = Number(source.slice(start, i));
      const unit = /^(ms|s|m|h)(?![A-Za-z0-9_])/.exec(source.slice(i, i + 3));
      if (unit) {
        i += unit[1]!.length;
        push("duration", start, n * DURATION_MS[unit[1]!]!);
      } else push("number", start, n);
    } else if (source.startsWith('"""', i)) {
      const startLine = line;
      const startLineStart = lineStart;
      const end = source.indexOf('"""', i + 3);
      const stop = end === -1 ? source.length : end + 3;
      for (let k = i; k < stop; k++) {
        if (source[k] === "\n") {
          line++;
          lineStart = k + 1;
        }
      }
      const body = source.slice(i + 3, end === -1 ? source.length : end);
      i = stop;
      if (end === -1) {
        diagnostics.push({ message: 'this """ text never ends', hint: 'close it with """', span: { ...span(start, startLine, startLineStart), length: 3 } });
      }
      push("text", start, dedent(body), startLine, startLineStart);
    } else if (c === '"') {
      i++;
      let value = "";
      let closed = false;
      // fast path: a text with no escapes is one slice
      let k = i;
      while (k < source.length) {
        const d = source.charCodeAt(k);
        if (d === 34 || d === 92 || d === 10) break;
        k++;
      }
      value = source.slice(i, k);
      i = k;
      while (i < source.length && source[i] !== "\n") {
        const d = source[i]!;
        if (d === '"') {
          i++;
          closed = true;
          break;
        }
        if (d === "\\" && i + 1 < source.length && source[i + 1] !== "\n") {
          const e = source[i + 1]!;
          value += ESCAPES[e] ?? e;
          i += 2;
        } else {
          value += d;
          i++;
        }
      }
      if (!closed)
        diagnostics.push({
          message: "this text never ends",
          hint: 'close it with " on the same line, or use """ for text over several lines',
          span: span(start, line, lineStart),
        });
      push("text", start, value);
    } else {
      const p = punctAt(source, i);
      if (p) {
        i += p.length;
        if (p === "[" || p === "{" || p === "(") depth++;
        else if ((p === "]" || p === "}" || p === ")") && depth > 0) depth--;
        push("punct", start);
      } else {
        i++;
        diagnostics.push({
          message: `unexpected character ${JSON.stringify(c)}`,
          hint: "Lux uses letters, digits, quotes and [ ] { } ( ) , : . = < > + -",
          span: span(start, line, lineStart),
        });
      }
    }
  }
  if (tokens.length > 0 && tokens[tokens.length - 1]!.kind !== "newline")
    tokens.push({ kind: "newline", text: "", span: { line, column: i - lineStart + 1, offset: i, length: 1 } });
  tokens.push({ kind: "eof", text: "", span: { line, column: i - lineStart + 1, offset: i, length: 1 } });
  return { tokens, diagnostics };
}

const SINGLE_PUNCT = new Set(PUNCT.filter((p) => p.length === 1));

function punctAt(source: string, i: number): string | undefined {
  const two = source.slice(i, i + 2);
  if (two === "==" || two === "!=" || two === "<=" || two === ">=") return two;
  const one = source[i]!;
  return SINGLE_PUNCT.has(one) ? one : undefined;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordPart = (c: number) => isWordStart(c) || isDigit(c);

const LINE_STARTERS = /^[ \t]*(load|embed|classify|ask|report|remember|recall|summon|call|run|emit|set|if|for|wait|stop|else|end)\b(?![ \t]*:)/i;

function startsStatement(source: string, at: number): boolean {
  return LINE_STARTERS.test(source.slice(at, at + 40));
}

/** Drops a leading newline and the indentation shared by every non-blank line of a """ block. */
function dedent(body: string): string {
  const lines = body
    .replace(/^\r?\n/, "")
    .replace(/\n[ \t]*$/, "")
    .split("\n");
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

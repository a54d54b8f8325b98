import { diffLines } from "diff";

/**
 * One step of a line diff, in characters so that applying it is exact to the byte:
 * `["=", n]` keeps the next n characters, `["-", n]` drops them, `["+", text]` inserts text.
 * Each step covers whole lines (the diff is computed by lines with jsdiff).
 */
export type DiffOp = readonly ["=", number] | readonly ["-", number] | readonly ["+", string];

export interface LineStats {
  readonly added: number;
  readonly removed: number;
  readonly unchanged: number;
}

/** A side-by-side row: the old line and the new line (null where one side has none). */
export interface DiffRow {
  readonly kind: "same" | "added" | "removed" | "changed";
  readonly left: { readonly line: number; readonly text: string } | null;
  readonly right: { readonly line: number; readonly text: string } | null;
}

/** Number of lines in a chunk of text as jsdiff counts them (a last line without a newline counts). */
export function countLines(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

/** The line diff from `before` to `after` as exact character operations, with line counts. */
export function diffOps(before: string, after: string): { ops: DiffOp[]; stats: LineStats } {
  const ops: DiffOp[] = [];
  let added = 0;
  let removed = 0;
  let unchanged = 0;
  for (const change of diffLines(before, after)) {
    const lines = change.count ?? countLines(change.value);
    if (change.added) {
      ops.push(["+", change.value]);
      added += lines;
    } else if (change.removed) {
      ops.push(["-", change.value.length]);
      removed += lines;
    } else {
      ops.push(["=", change.value.length]);
      unchanged += lines;
    }
  }
  return { ops, stats: { added, removed, unchanged } };
}

/** Applies operations made by `diffOps` to the text they were made from. Throws when they do not fit it. */
export function applyOps(before: string, ops: readonly DiffOp[]): string {
  let at = 0;
  let out = "";
  for (const op of ops) {
    if (op[0] === "+") {
      out += op[1];
      continue;
    }
    const end = at + op[1];
    if (end > before.length) throw new RangeError(`the diff runs past the end of the text it applies to (${end} > ${before.length})`);
    if (op[0] === "=") out += before.slice(at, end);
    at = end;
  }
  if (at !== before.length) throw new RangeError(`the diff covers ${at} of ${before.length} characters: it was made from another text`);
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * Rows for a side-by-side view of two texts: removed lines next to the lines that replaced them.
 *
 * @example sideBySide("a\nb\n", "a\nc\n") // [same a|a, changed b|c]
 */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let left = 1;
  let right = 1;
  const changes = diffLines(before, after);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (!change.added && !change.removed) {
      for (const text of splitLines(change.value)) rows.push({ kind: "same", left: { line: left++, text }, right: { line: right++, text } });
      continue;
    }
    const next = changes[i + 1];
    const removedLines = change.removed ? splitLines(change.value) : [];
    const addedLines = change.added ? splitLines(change.value) : next?.added && change.removed ? splitLines(next.value) : [];
    if (change.removed && next?.added) i++;
    const n = Math.max(removedLines.length, addedLines.length);
    for (let k = 0; k < n; k++) {
      const l = removedLines[k];
      const r = addedLines[k];
      rows.push({
        kind: l !== undefined && r !== undefined ? "changed" : l !== undefined ? "removed" : "added",
        left: l !== undefined ? { line: left++, text: l } : null,
        right: r !== undefined ? { line: right++, text: r } : null,
      });
    }
  }
  return rows;
}

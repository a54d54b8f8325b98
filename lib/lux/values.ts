import { hashEmbed } from "../embed";

/** A text with its embedding: what EMBED makes and CLASSIFY, REMEMBER and REPORT understand. */
export class LuxDocument {
  constructor(
    readonly text: string,
    readonly embedding: Float32Array,
  ) {}

  /** A document from text with the built-in hash embedder. */
  static of(text: string): LuxDocument {
    return new LuxDocument(text, hashEmbed(text));
  }
}

export type LuxRecord = { [key: string]: LuxValue };
/** Every value a Lux program can hold. `null` is what a missing field reads as. */
export type LuxValue = string | number | boolean | null | LuxDocument | LuxValue[] | LuxRecord;

export type LuxKind = "text" | "number" | "bool" | "nothing" | "document" | "list" | "record";

export function kindOf(v: LuxValue): LuxKind {
  if (v === null) return "nothing";
  if (typeof v === "string") return "text";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (v instanceof LuxDocument) return "document";
  if (Array.isArray(v)) return "list";
  return "record";
}

/** The text of a value for embedding and classifying: a document's text, text itself, a record's `text` field, JSON otherwise. */
export function textOf(v: LuxValue): string {
  if (typeof v === "string") return v;
  if (v instanceof LuxDocument) return v.text;
  if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.text === "string") return v.text;
  return JSON.stringify(toJson(v));
}

/** Plain JSON for events, reports and printing; a document becomes `{ text, dimensions }`, its vector left out. */
export function toJson(v: LuxValue): unknown {
  if (v instanceof LuxDocument) return { text: v.text, dimensions: v.embedding.length };
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  return v;
}

/** Any JSON from a host (a file, rows, an answer) as a Lux value; other things become text. */
export function fromJson(v: unknown): LuxValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof LuxDocument) return v;
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
  return typeof v === "bigint" || typeof v === "symbol" ? v.toString() : "";
}

/** A one-line summary of a value for the trace, at most `max` characters. */
export function summarize(v: LuxValue, max = 80): string {
  let s: string;
  if (v instanceof LuxDocument) s = `document(${JSON.stringify(v.text)}, ${v.embedding.length}d)`;
  else if (Array.isArray(v)) s = `list of ${v.length}: ${JSON.stringify(toJson(v))}`;
  else s = JSON.stringify(toJson(v)) ?? "nothing";
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Deep equality for `==`: documents compare by text. */
export function equals(a: LuxValue, b: LuxValue): boolean {
  if (a instanceof LuxDocument || b instanceof LuxDocument) return a instanceof LuxDocument && b instanceof LuxDocument && a.text === b.text;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equals(x, b[i]!));
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equals(a[k]!, b[k]!));
  }
  return a === b;
}

/** Truthiness for IF: false, nothing, 0, empty text and empty lists are false. */
export function truthy(v: LuxValue): boolean {
  if (v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

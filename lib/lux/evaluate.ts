import type { Expr } from "./ast";
import { equals, kindOf, LuxDocument, textOf, truthy, type LuxRecord, type LuxValue } from "./values";

/**
 * The value of an expression. `fail` turns a problem (an undefined variable, a missing field, mismatched kinds)
 * into the error the caller throws, so it can name the statement.
 */
export function evaluate(e: Expr, variables: ReadonlyMap<string, LuxValue>, fail: (message: string) => Error): LuxValue {
  const ev = (x: Expr) => evaluate(x, variables, fail);
  switch (e.kind) {
    case "text":
    case "number":
    case "bool":
      return e.value;
    case "var": {
      const v = variables.get(e.name);
      if (v === undefined) throw fail(`undefined variable ${e.name}`);
      return v;
    }
    case "field": {
      const o = ev(e.object);
      if (e.name === "length" && (typeof o === "string" || Array.isArray(o))) return o.length;
      if (o instanceof LuxDocument) {
        if (e.name === "text") return o.text;
        if (e.name === "embedding") return Array.from(o.embedding);
        return null;
      }
      if (o !== null && typeof o === "object" && !Array.isArray(o)) return Object.hasOwn(o, e.name) ? o[e.name]! : null;
      throw fail(`${describeExpr(e.object)} is ${kindOf(o)}, which has no field ${e.name}`);
    }
    case "list":
      return e.items.map(ev);
    case "record": {
      const out: LuxRecord = {};
      for (const entry of e.entries) out[entry.key] = ev(entry.value);
      return out;
    }
    case "not":
      return !truthy(ev(e.operand));
    case "binary": {
      if (e.op === "and") return truthy(ev(e.left)) ? truthy(ev(e.right)) : false;
      if (e.op === "or") return truthy(ev(e.left)) ? true : truthy(ev(e.right));
      const l = ev(e.left);
      const r = ev(e.right);
      switch (e.op) {
        case "==":
          return equals(l, r);
        case "!=":
          return !equals(l, r);
        case "+":
          if (typeof l === "number" && typeof r === "number") return l + r;
          if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
          if (Array.isArray(l)) return [...l, r];
          if (typeof l === "string" || typeof r === "string") return display(l) + display(r);
          throw fail(`cannot add ${kindOf(l)} and ${kindOf(r)}`);
        case "-":
          if (typeof l === "number" && typeof r === "number") return l - r;
          throw fail(`- takes numbers, not ${kindOf(l)} and ${kindOf(r)}`);
        default: {
          if (!((typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string"))) {
            throw fail(`cannot compare ${kindOf(l)} with ${kindOf(r)} using ${e.op}`);
          }
          if (e.op === "<") return l < r;
          if (e.op === "<=") return l <= r;
          if (e.op === ">") return l > r;
          return l >= r;
        }
      }
    }
  }
}

function display(v: LuxValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return textOf(v);
}

/** How an error names an expression: `tickets`, `t.text`, or `the list`. */
export function describeExpr(e: Expr): string {
  if (e.kind === "var") return e.name;
  if (e.kind === "field") return `${describeExpr(e.object)}.${e.name}`;
  return `the ${e.kind}`;
}

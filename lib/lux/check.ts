import type { Expr, Program, Span, Stmt } from "./ast";
import { closest, type Diagnostic } from "./diagnostics";

/** What the checker knows of a value before the run; `any` when only the run can tell. */
export type StaticKind = "text" | "number" | "bool" | "list" | "record" | "document" | "any";

type Scope = Map<string, StaticKind>;

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * Static checks before a run: undefined variables, arguments of the wrong kind, steps after STOP.
 * A variable set in only one branch of an IF is not defined after it.
 *
 * @example check(parse("REPORT facts TO master").program) // [{ message: "undefined variable facts", … }]
 */
export function check(program: Program, predefined: Iterable<string> = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scope: Scope = new Map();
  for (const name of predefined) scope.set(name, "any");
  block(program.statements, scope, out);
  return out;
}

/** Checks a block; returns true when it always ends with STOP. */
function block(stmts: Stmt[], scope: Scope, out: Diagnostic[]): boolean {
  let stopped: Span | null = null;
  for (const stmt of stmts) {
    if (stopped) {
      out.push({ message: "unreachable step: nothing after STOP runs", hint: `remove it, or move the STOP on line ${stopped.line} below it`, span: stmt.span });
      return true;
    }
    if (statement(stmt, scope, out)) stopped = stmt.span;
  }
  return stopped !== null;
}

function statement(stmt: Stmt, scope: Scope, out: Diagnostic[]): boolean {
  const e = (x: Expr) => expr(x, scope, out);
  const want = (x: Expr, allowed: StaticKind[], what: string) => {
    const k = e(x);
    if (k !== "any" && !allowed.includes(k)) out.push({ message: `${what} takes ${allowed.join(" or ")}, not ${k}`, span: x.span });
  };
  switch (stmt.kind) {
    case "load": {
      const s = stmt.source;
      let kind: StaticKind = "any";
      if (s.kind === "value") kind = e(s.value);
      else if (s.kind === "file") want(s.name, ["text"], "LOAD file");
      else if (s.kind === "url") {
        want(s.url, ["text"], "LOAD url");
        if (s.url.kind === "text" && !/^https?:\/\//i.test(s.url.value))
          out.push({ message: "LOAD url takes an http:// or https:// address", hint: 'write LOAD url "https://example.org/page" AS page', span: s.url.span });
        kind = "text";
      } else if (s.kind === "rows") kind = "list";
      else {
        want(s.query, ["text"], "LOAD master query");
        kind = "list";
      }
      scope.set(stmt.target, kind);
      return false;
    }
    case "embed": {
      const k = e(stmt.value);
      if (k === "number" || k === "bool" || k === "record")
        out.push({ message: `EMBED takes text, a document or a list of them, not ${k}`, span: stmt.value.span });
      scope.set(stmt.target, k === "list" ? "list" : k === "any" ? "any" : "document");
      return false;
    }
    case "classify": {
      const k = e(stmt.value);
      if (k === "number" || k === "bool" || k === "record")
        out.push({ message: `CLASSIFY takes text, a document or a list of them, not ${k}`, span: stmt.value.span });
      want(stmt.labels, ["list"], "INTO");
      if (stmt.labels.kind === "list") {
        if (stmt.labels.items.length === 0)
          out.push({ message: "INTO needs at least one label", hint: 'write INTO ["billing", "bug"]', span: stmt.labels.span });
        for (const item of stmt.labels.items) if (item.kind !== "text" && item.kind !== "var") out.push({ message: "a label is text", span: item.span });
      }
      if (stmt.using.kind === "given") want(stmt.using.examples, ["list"], "USING");
      scope.set(stmt.target, k === "list" ? "list" : k === "any" ? "any" : "text");
      return false;
    }
    case "ask":
      want(stmt.question, ["text"], "ASK master");
      scope.set(stmt.target, "any");
      return false;
    case "report":
      e(stmt.value);
      return false;
    case "remember":
      e(stmt.value);
      if (stmt.key) want(stmt.key, ["text"], "REMEMBER … AS");
      return false;
    case "recall":
      want(stmt.query, ["text"], "RECALL");
      scope.set(stmt.target, "list");
      return false;
    case "summon":
      want(stmt.name, ["text"], "SUMMON");
      want(stmt.spec, ["record"], "SUMMON … WITH");
      scope.set(stmt.target, "any");
      return false;
    case "call":
      want(stmt.being, ["text"], "CALL being");
      e(stmt.input);
      scope.set(stmt.target, "any");
      return false;
    case "run":
      want(stmt.code, ["text"], "RUN python");
      scope.set(stmt.target, "any");
      return false;
    case "emit":
      want(stmt.type, ["text"], "EMIT");
      if (stmt.type.kind === "text" && !EVENT_TYPE.test(stmt.type.value))
        out.push({
          message: `event type ${JSON.stringify(stmt.type.value)} is not dotted lower case`,
          hint: 'write EMIT "triage.done" result',
          span: stmt.type.span,
        });
      if (stmt.value) e(stmt.value);
      return false;
    case "set":
      scope.set(stmt.target, e(stmt.value));
      return false;
    case "wait":
      return false;
    case "stop":
      return true;
    case "if": {
      e(stmt.condition);
      const a = new Map(scope);
      const b = new Map(scope);
      const stopsA = block(stmt.then, a, out);
      const stopsB = stmt.else ? block(stmt.else, b, out) : false;
      // NOTE: a branch that ends in STOP does not continue, so only the other branch's names survive it.
      const survivors = stopsA ? [b] : stopsB ? [a] : [a, b];
      for (const [name, kind] of survivors[0]!) {
        const other = survivors[survivors.length - 1]!.get(name);
        if (other !== undefined) scope.set(name, other === kind ? kind : "any");
      }
      return stopsA && stopsB;
    }
    case "forEach": {
      const k = e(stmt.list);
      if (k !== "any" && k !== "list") out.push({ message: `FOR EACH goes over a list, not ${k}`, span: stmt.list.span });
      const inner = new Map(scope);
      inner.set(stmt.item, "any");
      block(stmt.body, inner, out);
      return false;
    }
  }
}

function expr(x: Expr, scope: Scope, out: Diagnostic[]): StaticKind {
  switch (x.kind) {
    case "text":
    case "number":
      return x.kind;
    case "bool":
      return "bool";
    case "var": {
      const k = scope.get(x.name);
      if (k !== undefined) return k;
      const guess = closest(x.name, scope.keys(), (s) => s.toLowerCase());
      out.push({
        message: `undefined variable ${x.name}${guess ? ` — did you mean ${guess}?` : ""}`,
        hint: guess ? `write ${guess}` : `set it first, e.g. SET ${x.name} = "…" or LOAD … AS ${x.name}`,
        span: x.span,
      });
      scope.set(x.name, "any"); // one report per name
      return "any";
    }
    case "field": {
      const k = expr(x.object, scope, out);
      if (k === "number" || k === "bool") out.push({ message: `${k} has no field ${x.name}`, span: x.span });
      if (x.name === "length" && (k === "text" || k === "list")) return "number";
      if (k === "document" && x.name === "text") return "text";
      return "any";
    }
    case "list":
      for (const item of x.items) expr(item, scope, out);
      return "list";
    case "record":
      for (const entry of x.entries) expr(entry.value, scope, out);
      return "record";
    case "not":
      expr(x.operand, scope, out);
      return "bool";
    case "binary": {
      const l = expr(x.left, scope, out);
      const r = expr(x.right, scope, out);
      if (x.op === "+") {
        if (l === "number" && r === "number") return "number";
        if (l === "list" && r === "list") return "list";
        if (l === "text" || r === "text") return "text";
        if (l !== "any" && r !== "any") out.push({ message: `cannot add ${l} and ${r}`, hint: "+ adds numbers, joins text and joins lists", span: x.span });
        return "any";
      }
      if (x.op === "-") {
        for (const [k, side] of [
          [l, x.left],
          [r, x.right],
        ] as const)
          if (k !== "any" && k !== "number") out.push({ message: `- takes numbers, not ${k}`, span: side.span });
        return "number";
      }
      if (["<", "<=", ">", ">="].includes(x.op) && l !== "any" && r !== "any" && l !== r) out.push({ message: `cannot compare ${l} with ${r}`, span: x.span });
      return "bool";
    }
  }
}

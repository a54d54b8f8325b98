import { RESERVED_WORDS, type Expr, type Program, type Stmt } from "./ast";

const INDENT = "  ";

/**
 * Lux source for a program, in the canonical layout: upper-case keywords, two-space blocks, nested
 * operations in parentheses. `parse(format(p))` gives back `p` (spans aside).
 *
 * @example format(parse('set  x=1+2').program) // "SET x = 1 + 2\n"
 */
export function format(program: Program): string {
  const lines: string[] = [];
  block(program.statements, 0, lines);
  return lines.map((l) => `${l}\n`).join("");
}

function block(stmts: Stmt[], depth: number, out: string[]) {
  for (const s of stmts) statement(s, depth, out);
}

function statement(s: Stmt, depth: number, out: string[]) {
  const pad = INDENT.repeat(depth);
  const line = (text: string) => out.push(pad + text);
  switch (s.kind) {
    case "load": {
      const src = s.source;
      const from =
        src.kind === "value"
          ? expr(src.value)
          : src.kind === "file"
            ? `file ${expr(src.name)}`
            : src.kind === "url"
              ? `url ${expr(src.url)}`
              : src.kind === "rows"
                ? `rows from ${isName(src.table) ? src.table : text(src.table)}`
                : `master query ${expr(src.query)}`;
      return line(`LOAD ${from} AS ${s.target}`);
    }
    case "embed":
      return line(`EMBED ${expr(s.value)} AS ${s.target}`);
    case "classify": {
      const using = s.using.kind === "examples" ? "" : s.using.kind === "reasoner" ? " USING reasoner" : ` USING ${expr(s.using.examples)}`;
      return line(`CLASSIFY ${expr(s.value)} INTO ${expr(s.labels)}${using} AS ${s.target}`);
    }
    case "ask":
      return line(`ASK master ${expr(s.question)} AS ${s.target}`);
    case "report":
      return line(`REPORT ${expr(s.value)} TO master`);
    case "remember":
      return line(`REMEMBER ${expr(s.value)}${s.key ? ` AS ${expr(s.key)}` : ""}`);
    case "recall":
      return line(`RECALL ${expr(s.query)} AS ${s.target}`);
    case "summon":
      return line(`SUMMON ${expr(s.name)} WITH ${expr(s.spec)} AS ${s.target}`);
    case "call":
      return line(`CALL being ${expr(s.being)} WITH ${expr(s.input)}${s.timeoutMs === null ? "" : ` TIMEOUT ${s.timeoutMs}ms`} AS ${s.target}`);
    case "run":
      return line(`RUN python ${expr(s.code)} AS ${s.target}`);
    case "emit":
      return line(`EMIT ${expr(s.type)}${s.value ? ` ${expr(s.value)}` : ""}`);
    case "set":
      return line(`SET ${s.target} = ${expr(s.value)}`);
    case "wait":
      return line(`WAIT ${s.ms}ms`);
    case "stop":
      return line("STOP");
    case "if":
      line(`IF ${expr(s.condition)}`);
      block(s.then, depth + 1, out);
      if (s.else) {
        line("ELSE");
        block(s.else, depth + 1, out);
      }
      return line("END");
    case "forEach":
      line(`FOR EACH ${s.item} IN ${expr(s.list)}`);
      block(s.body, depth + 1, out);
      return line("END");
  }
}

function expr(e: Expr): string {
  switch (e.kind) {
    case "text":
      return text(e.value);
    case "number":
      return String(e.value);
    case "bool":
      return e.value ? "true" : "false";
    case "var":
      return e.name;
    case "field":
      return `${nested(e.object)}.${e.name}`;
    case "list":
      return `[${e.items.map(expr).join(", ")}]`;
    case "record":
      return `{${e.entries.map((en) => `${isName(en.key) ? en.key : text(en.key)}: ${expr(en.value)}`).join(", ")}}`;
    case "not":
      return `not ${nested(e.operand)}`;
    case "binary":
      return `${nested(e.left)} ${e.op} ${nested(e.right)}`;
  }
}

/** An operand: parenthesized when it is itself an operation, so precedence never has to be re-derived. */
function nested(e: Expr): string {
  return e.kind === "binary" || e.kind === "not" || (e.kind === "number" && e.value < 0) ? `(${expr(e)})` : expr(e);
}

function text(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

function isName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !RESERVED_WORDS.has(s.toUpperCase());
}

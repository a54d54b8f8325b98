import { RESERVED_WORDS, STATEMENT_KEYWORDS, type BinaryOp, type ClassifyUsing, type Expr, type LoadSource, type Program, type Span, type Stmt } from "./ast";
import { closest, type Diagnostic } from "./diagnostics";
import { tokenize, type Token } from "./tokenize";

/** Thrown inside the parser to abandon one line; caught at the line boundary. */
class LineError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const MAX_DEPTH = 64;

/**
 * Parses Lux source into a program and every syntax problem found; recovers at line boundaries so
 * one typo does not hide the next. Never throws.
 *
 * @example parse('LOAD "hello" AS greeting').program.statements[0] // { kind: "load", source: { kind: "value", … }, target: "greeting", … }
 */
export function parse(source: string): { program: Program; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = tokenize(source);
  const parser = new Parser(tokens, diagnostics);
  return { program: { statements: parser.program() }, diagnostics };
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  program(): Stmt[] {
    const body = this.block([]);
    const t = this.peek();
    if (t.kind !== "eof")
      this.diagnostics.push({ message: `${t.text.toUpperCase()} without a matching IF or FOR EACH`, hint: "remove it, or open a block above", span: t.span });
    return body;
  }

  /** Statements until one of `enders` (upper-case words) starts a line, or the end. */
  private block(enders: string[]): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      while (this.peek().kind === "newline") this.i++;
      const t = this.peek();
      if (t.kind === "eof") return out;
      if (t.kind === "word" && enders.includes(t.text.toUpperCase())) return out;
      if (enders.length === 0 && t.kind === "word" && ["END", "ELSE"].includes(t.text.toUpperCase())) {
        this.diagnostics.push({ message: `${t.text.toUpperCase()} without a matching IF or FOR EACH`, hint: "remove it, or open a block above", span: t.span });
        this.skipLine();
        continue;
      }
      try {
        const stmt = this.statement();
        if (stmt) out.push(stmt);
      } catch (error) {
        if (!(error instanceof LineError)) throw error;
        this.diagnostics.push(error.diagnostic);
        const opened = this.peek().span.line === t.span.line && t.kind === "word" && ["IF", "FOR"].includes(t.text.toUpperCase());
        this.skipLine();
        // NOTE: a block whose first line is broken still owns its body and END, so they do not add errors of their own.
        if (opened) this.skipBlock();
      }
    }
  }

  private statement(): Stmt | null {
    const t = this.next();
    if (t.kind !== "word") this.fail(t, `a line starts with a statement such as LOAD or SET, not ${describe(t)}`);
    const keyword = t.text.toUpperCase();
    const start = t.span;
    switch (keyword) {
      case "LOAD": {
        const source = this.loadSource();
        return this.end({ kind: "load", source, target: this.as(), span: start });
      }
      case "EMBED": {
        const value = this.expr();
        return this.end({ kind: "embed", value, target: this.as(), span: start });
      }
      case "CLASSIFY": {
        const value = this.expr();
        this.word("INTO");
        const labels = this.expr();
        let using: ClassifyUsing = { kind: "examples" };
        if (this.isWord("USING")) {
          this.i++;
          if (this.isWord("examples")) {
            this.i++;
          } else if (this.isWord("reasoner")) {
            this.i++;
            using = { kind: "reasoner" };
          } else using = { kind: "given", examples: this.expr() };
        }
        return this.end({ kind: "classify", value, labels, using, target: this.as(), span: start });
      }
      case "ASK": {
        this.word("master");
        const question = this.expr();
        return this.end({ kind: "ask", question, target: this.as(), span: start });
      }
      case "REPORT": {
        const value = this.expr();
        this.word("TO");
        this.word("master");
        return this.end({ kind: "report", value, span: start });
      }
      case "REMEMBER": {
        const value = this.expr();
        let key: Expr | null = null;
        if (this.isWord("AS")) {
          this.i++;
          key = this.expr();
        }
        return this.end({ kind: "remember", value, key, span: start });
      }
      case "RECALL": {
        const query = this.expr();
        return this.end({ kind: "recall", query, target: this.as(), span: start });
      }
      case "SUMMON": {
        const name = this.expr();
        this.word("WITH");
        const spec = this.expr();
        return this.end({ kind: "summon", name, spec, target: this.as(), span: start });
      }
      case "CALL": {
        this.word("being");
        const being = this.expr();
        this.word("WITH");
        const input = this.expr();
        let timeoutMs: number | null = null;
        if (this.isWord("TIMEOUT")) {
          this.i++;
          timeoutMs = this.duration();
        }
        return this.end({ kind: "call", being, input, timeoutMs, target: this.as(), span: start });
      }
      case "RUN": {
        const lang = this.next();
        if (lang.kind !== "word" || lang.text.toLowerCase() !== "python")
          this.fail(lang, `RUN takes a language, and Lux knows python; found ${describe(lang)}`, 'write RUN python """…""" AS result');
        const code = this.expr();
        return this.end({ kind: "run", language: "python", code, target: this.as(), span: start });
      }
      case "EMIT": {
        const type = this.expr();
        const value = this.peek().kind === "newline" ? null : this.expr();
        return this.end({ kind: "emit", type, value, span: start });
      }
      case "SET": {
        const target = this.name();
        this.punct("=");
        return this.end({ kind: "set", target, value: this.expr(), span: start });
      }
      case "IF": {
        const condition = this.expr();
        this.newline();
        const then = this.nested(() => this.block(["ELSE", "END"]));
        let otherwise: Stmt[] | null = null;
        if (this.isWord("ELSE")) {
          this.i++;
          this.newline();
          otherwise = this.nested(() => this.block(["END"]));
        }
        this.closeBlock("IF", start);
        return { kind: "if", condition, then, else: otherwise, span: start };
      }
      case "FOR": {
        this.word("EACH");
        const item = this.name();
        this.word("IN");
        const list = this.expr();
        this.newline();
        const body = this.nested(() => this.block(["END"]));
        this.closeBlock("FOR EACH", start);
        return { kind: "forEach", item, list, body, span: start };
      }
      case "WAIT":
        return this.end({ kind: "wait", ms: this.duration(), span: start });
      case "STOP":
        return this.end({ kind: "stop", span: start });
      default: {
        const guess = closest(keyword, STATEMENT_KEYWORDS);
        if (this.peek().kind === "punct" && this.peek().text === "=") this.fail(t, `unknown statement ${t.text}`, `to set a variable write SET ${t.text} = …`);
        this.fail(
          t,
          `unknown statement ${t.text}${guess ? ` — did you mean ${guess}?` : ""}`,
          guess ? undefined : `a line starts with one of ${STATEMENT_KEYWORDS.join(", ")}`,
        );
      }
    }
  }

  private skipBlock() {
    this.nested(() => this.block(["ELSE", "END"]));
    if (this.isWord("ELSE")) {
      this.skipLine();
      this.nested(() => this.block(["END"]));
    }
    if (this.isWord("END")) this.skipLine();
  }

  private closeBlock(what: string, start: Span) {
    const t = this.peek();
    if (t.kind === "eof") {
      throw new LineError({ message: `${what} on line ${start.line} has no END`, hint: `close the block with END on its own line`, span: start });
    }
    this.word("END");
    this.newline();
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.fail(this.peek(), `blocks are nested more than ${MAX_DEPTH} deep`, "split the program into smaller steps");
    }
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private loadSource(): LoadSource {
    // NOTE: `file` and `url` are keywords only when a value follows; `LOAD file AS x` loads a variable named file.
    const valueFollows = this.peekAt(1).kind === "text" || (this.peekAt(1).kind === "word" && this.peekAt(1).text.toUpperCase() !== "AS");
    if (this.isWord("file") && valueFollows) {
      this.i++;
      return { kind: "file", name: this.expr() };
    }
    if (this.isWord("url") && valueFollows) {
      this.i++;
      return { kind: "url", url: this.expr() };
    }
    if (this.isWord("rows") && this.peekAt(1).kind === "word" && this.peekAt(1).text.toLowerCase() === "from") {
      this.i += 2;
      const table = this.next();
      if (table.kind !== "word" && table.kind !== "text")
        this.fail(table, `LOAD rows from takes a table name, found ${describe(table)}`, "write LOAD rows from tickets AS rows");
      return { kind: "rows", table: table.kind === "text" ? String(table.value) : table.text };
    }
    if (this.isWord("master") && this.peekAt(1).kind === "word" && this.peekAt(1).text.toLowerCase() === "query") {
      this.i += 2;
      return { kind: "query", query: this.expr() };
    }
    return { kind: "value", value: this.expr() };
  }

  // Expressions, lowest precedence first: or, and, not, comparison, + -, postfix field access, atoms.
  expr(): Expr {
    return this.nested(() => this.or());
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord("OR")) {
      this.i++;
      left = binary("or", left, this.and());
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord("AND")) {
      this.i++;
      left = binary("and", left, this.not());
    }
    return left;
  }

  private not(): Expr {
    if (this.isWord("NOT")) {
      const t = this.next();
      const operand = this.nested(() => this.not());
      return { kind: "not", operand, span: cover(t.span, operand.span) };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.sum();
    const t = this.peek();
    if (t.kind === "punct" && ["==", "!=", "<", "<=", ">", ">="].includes(t.text)) {
      this.i++;
      return binary(t.text as BinaryOp, left, this.sum());
    }
    if (t.kind === "punct" && t.text === "=") this.fail(t, "= sets a variable; to compare, write ==", "write a == b");
    return left;
  }

  private sum(): Expr {
    let left = this.postfix();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "punct" || (t.text !== "+" && t.text !== "-")) return left;
      this.i++;
      left = binary(t.text, left, this.postfix());
    }
  }

  private postfix(): Expr {
    let e = this.atom();
    while (this.peek().kind === "punct" && this.peek().text === ".") {
      this.i++;
      const t = this.next();
      if (t.kind !== "word") this.fail(t, `a field name follows the dot, found ${describe(t)}`, "write record.field");
      e = { kind: "field", object: e, name: t.text, span: cover(e.span, t.span) };
    }
    return e;
  }

  private atom(): Expr {
    const t = this.next();
    switch (t.kind) {
      case "text":
        return { kind: "text", value: String(t.value), span: t.span };
      case "number":
        return { kind: "number", value: Number(t.value), span: t.span };
      case "duration":
        this.fail(t, `${t.text} is a duration, which only WAIT and TIMEOUT take`, `write a plain number, such as ${String(t.value)} (milliseconds)`);
        break;
      case "word": {
        const upper = t.text.toUpperCase();
        if (upper === "TRUE" || upper === "FALSE") return { kind: "bool", value: upper === "TRUE", span: t.span };
        if (RESERVED_WORDS.has(upper))
          this.fail(t, `${upper} is a keyword, not a value`, "a value is text in quotes, a number, true/false, a list [..], a record {..} or a variable");
        return { kind: "var", name: t.text, span: t.span };
      }
      case "punct":
        if (t.text === "-" && this.peek().kind === "number") {
          const n = this.next();
          return { kind: "number", value: -Number(n.value), span: cover(t.span, n.span) };
        }
        if (t.text === "(") {
          const inner = this.expr();
          this.punct(")");
          return inner;
        }
        if (t.text === "[") {
          const items: Expr[] = [];
          while (!(this.peek().kind === "punct" && this.peek().text === "]")) {
            items.push(this.expr());
            if (!this.comma("]")) break;
          }
          const close = this.punct("]");
          return { kind: "list", items, span: cover(t.span, close.span) };
        }
        if (t.text === "{") {
          const entries: { key: string; value: Expr }[] = [];
          while (!(this.peek().kind === "punct" && this.peek().text === "}")) {
            const k = this.next();
            if (k.kind !== "word" && k.kind !== "text") this.fail(k, `a record key is a name or text, found ${describe(k)}`, 'write {name: "Ada", age: 36}');
            this.punct(":");
            entries.push({ key: k.kind === "text" ? String(k.value) : k.text, value: this.expr() });
            if (!this.comma("}")) break;
          }
          const close = this.punct("}");
          return { kind: "record", entries, span: cover(t.span, close.span) };
        }
        break;
      default:
        break;
    }
    return this.fail(t, `expected a value, found ${describe(t)}`, "a value is text in quotes, a number, true/false, a list [..], a record {..} or a variable");
  }

  /** After an item in a list or record: true when a comma continues it. Lists and records may span lines. */
  private comma(close: string): boolean {
    const t = this.peek();
    if (t.kind === "punct" && t.text === ",") {
      this.i++;
      return true;
    }
    if (!(t.kind === "punct" && t.text === close))
      this.fail(t, `expected , or ${close}, found ${describe(t)}`, `separate items with commas and close with ${close}`);
    return false;
  }

  private end<T extends Stmt>(stmt: T): T {
    this.newline();
    return stmt;
  }

  private newline() {
    const t = this.peek();
    if (t.kind === "newline" || t.kind === "eof") {
      if (t.kind === "newline") this.i++;
      return;
    }
    this.fail(t, `unexpected ${describe(t)} at the end of the statement`, "one statement per line");
  }

  private as(): string {
    this.word("AS");
    return this.name();
  }

  private name(): string {
    const t = this.next();
    if (t.kind !== "word") this.fail(t, `expected a variable name, found ${describe(t)}`, "a name is letters, digits and _, starting with a letter");
    if (RESERVED_WORDS.has(t.text.toUpperCase()))
      this.fail(t, `${t.text.toUpperCase()} is a keyword and cannot name a variable`, `choose another name, such as my_${t.text.toLowerCase()}`);
    return t.text;
  }

  private duration(): number {
    const t = this.next();
    if (t.kind === "duration") return Number(t.value);
    return this.fail(t, `expected a duration such as 2s or 500ms, found ${describe(t)}`, "durations are a number with ms, s, m or h");
  }

  private word(expected: string) {
    const t = this.next();
    if (t.kind === "word" && t.text.toUpperCase() === expected.toUpperCase()) return;
    const upper = /^[A-Z]+$/.test(expected);
    const guess = t.kind === "word" && closest(t.text.toUpperCase(), [expected.toUpperCase()]);
    this.fail(t, `expected ${expected} here, found ${describe(t)}${guess ? ` — did you mean ${expected}?` : ""}`, upper ? undefined : `write ${expected}`);
  }

  private punct(expected: string): Token {
    const t = this.next();
    if (t.kind === "punct" && t.text === expected) return t;
    return this.fail(t, `expected ${expected}, found ${describe(t)}`);
  }

  private isWord(w: string): boolean {
    const t = this.peek();
    return t.kind === "word" && t.text.toUpperCase() === w.toUpperCase();
  }

  private fail(t: Token, message: string, hint?: string): never {
    throw new LineError({ message, hint, span: t.span });
  }

  private skipLine() {
    while (this.peek().kind !== "newline" && this.peek().kind !== "eof") this.i++;
    if (this.peek().kind === "newline") this.i++;
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(n: number): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.i++;
    return t;
  }
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: "binary", op, left, right, span: cover(left.span, right.span) };
}

function cover(a: Span, b: Span): Span {
  return { ...a, length: Math.max(a.length, b.offset + b.length - a.offset) };
}

function describe(t: Token): string {
  switch (t.kind) {
    case "newline":
      return "the end of the line";
    case "eof":
      return "the end of the program";
    case "text":
      return `text ${t.text.length > 20 ? `${t.text.slice(0, 20)}…` : t.text}`;
    default:
      return t.text;
  }
}

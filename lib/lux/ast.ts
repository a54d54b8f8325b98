/** The typed syntax tree of a Lux program. Every node carries where it came from in the source. */

/** A place in the source: 1-based line and column, 0-based offset, length in characters. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly length: number;
}

export type BinaryOp = "+" | "-" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";

export type Expr =
  | { kind: "text"; value: string; span: Span }
  | { kind: "number"; value: number; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "var"; name: string; span: Span }
  | { kind: "field"; object: Expr; name: string; span: Span }
  | { kind: "list"; items: Expr[]; span: Span }
  | { kind: "record"; entries: { key: string; value: Expr }[]; span: Span }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: "not"; operand: Expr; span: Span };

/** Where LOAD takes its value from. */
export type LoadSource =
  { kind: "value"; value: Expr } | { kind: "file"; name: Expr } | { kind: "url"; url: Expr } | { kind: "rows"; table: string } | { kind: "query"; query: Expr };

/** Where CLASSIFY finds its judgement: labelled examples from the host, the program's own, or the reasoner. */
export type ClassifyUsing = { kind: "examples" } | { kind: "given"; examples: Expr } | { kind: "reasoner" };

export type Stmt =
  | { kind: "load"; source: LoadSource; target: string; span: Span }
  | { kind: "embed"; value: Expr; target: string; span: Span }
  | { kind: "classify"; value: Expr; labels: Expr; using: ClassifyUsing; target: string; span: Span }
  | { kind: "ask"; question: Expr; target: string; span: Span }
  | { kind: "report"; value: Expr; span: Span }
  | { kind: "remember"; value: Expr; key: Expr | null; span: Span }
  | { kind: "recall"; query: Expr; target: string; span: Span }
  | { kind: "summon"; name: Expr; spec: Expr; target: string; span: Span }
  | { kind: "call"; being: Expr; input: Expr; timeoutMs: number | null; target: string; span: Span }
  | { kind: "run"; language: "python"; code: Expr; target: string; span: Span }
  | { kind: "emit"; type: Expr; value: Expr | null; span: Span }
  | { kind: "set"; target: string; value: Expr; span: Span }
  | { kind: "if"; condition: Expr; then: Stmt[]; else: Stmt[] | null; span: Span }
  | { kind: "forEach"; item: string; list: Expr; body: Stmt[]; span: Span }
  | { kind: "wait"; ms: number; span: Span }
  | { kind: "stop"; span: Span };

export type StmtKind = Stmt["kind"];

export interface Program {
  readonly statements: Stmt[];
}

/** How each statement is written, for the trace and for errors. */
export const KEYWORD_OF: Readonly<Record<StmtKind, string>> = {
  load: "LOAD",
  embed: "EMBED",
  classify: "CLASSIFY",
  ask: "ASK",
  report: "REPORT",
  remember: "REMEMBER",
  recall: "RECALL",
  summon: "SUMMON",
  call: "CALL",
  run: "RUN",
  emit: "EMIT",
  set: "SET",
  if: "IF",
  forEach: "FOR EACH",
  wait: "WAIT",
  stop: "STOP",
};

/** The statement keywords, as a person writes them. */
export const STATEMENT_KEYWORDS = [
  "LOAD",
  "EMBED",
  "CLASSIFY",
  "ASK",
  "REPORT",
  "REMEMBER",
  "RECALL",
  "SUMMON",
  "CALL",
  "RUN",
  "EMIT",
  "SET",
  "IF",
  "FOR",
  "WAIT",
  "STOP",
] as const;

/** Words that cannot name a variable. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  ...STATEMENT_KEYWORDS,
  "AS",
  "AND",
  "OR",
  "NOT",
  "TRUE",
  "FALSE",
  "ELSE",
  "END",
  "EACH",
  "IN",
  "INTO",
  "USING",
  "WITH",
  "TO",
  "TIMEOUT",
]);

import { describe, expect, it } from "vitest";
import type { Span } from "./ast";
import { format } from "./format";
import { parse } from "./parse";

const at = (line: number, column: number, offset: number, length: number): Span => ({ line, column, offset, length });

/** Golden ASTs, one per statement form; spans are (line, column, offset, length). */
describe("parse: every statement", () => {
  it("LOAD a text literal", () => {
    const { program, diagnostics } = parse('LOAD "hello" AS greeting');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      { kind: "load", source: { kind: "value", value: { kind: "text", value: "hello", span: at(1, 6, 5, 7) } }, target: "greeting", span: at(1, 1, 0, 4) },
    ]);
  });
  it("LOAD file", () => {
    const { program, diagnostics } = parse('LOAD file "notes.txt" AS notes');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      { kind: "load", source: { kind: "file", name: { kind: "text", value: "notes.txt", span: at(1, 11, 10, 11) } }, target: "notes", span: at(1, 1, 0, 4) },
    ]);
  });
  it("LOAD url", () => {
    const { program, diagnostics } = parse('LOAD url "https://example.org" AS page');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "load",
        source: { kind: "url", url: { kind: "text", value: "https://example.org", span: at(1, 10, 9, 21) } },
        target: "page",
        span: at(1, 1, 0, 4),
      },
    ]);
  });
  it("LOAD rows from a table", () => {
    const { program, diagnostics } = parse("LOAD rows from tickets AS rows");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([{ kind: "load", source: { kind: "rows", table: "tickets" }, target: "rows", span: at(1, 1, 0, 4) }]);
  });
  it("LOAD master query", () => {
    const { program, diagnostics } = parse('LOAD master query "open tickets" AS open');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "load",
        source: { kind: "query", query: { kind: "text", value: "open tickets", span: at(1, 19, 18, 14) } },
        target: "open",
        span: at(1, 1, 0, 4),
      },
    ]);
  });
  it("EMBED", () => {
    const { program, diagnostics } = parse("EMBED notes AS doc");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([{ kind: "embed", value: { kind: "var", name: "notes", span: at(1, 7, 6, 5) }, target: "doc", span: at(1, 1, 0, 5) }]);
  });
  it("CLASSIFY with a label list", () => {
    const { program, diagnostics } = parse('CLASSIFY doc INTO ["a", "b"] AS label');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "classify",
        value: { kind: "var", name: "doc", span: at(1, 10, 9, 3) },
        labels: {
          kind: "list",
          items: [
            { kind: "text", value: "a", span: at(1, 20, 19, 3) },
            { kind: "text", value: "b", span: at(1, 25, 24, 3) },
          ],
          span: at(1, 19, 18, 10),
        },
        using: { kind: "examples" },
        target: "label",
        span: at(1, 1, 0, 8),
      },
    ]);
  });
  it("CLASSIFY USING examples", () => {
    const { program, diagnostics } = parse("CLASSIFY doc INTO labels USING examples AS label");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "classify",
        value: { kind: "var", name: "doc", span: at(1, 10, 9, 3) },
        labels: { kind: "var", name: "labels", span: at(1, 19, 18, 6) },
        using: { kind: "examples" },
        target: "label",
        span: at(1, 1, 0, 8),
      },
    ]);
  });
  it("CLASSIFY USING reasoner", () => {
    const { program, diagnostics } = parse("CLASSIFY doc INTO labels USING reasoner AS label");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "classify",
        value: { kind: "var", name: "doc", span: at(1, 10, 9, 3) },
        labels: { kind: "var", name: "labels", span: at(1, 19, 18, 6) },
        using: { kind: "reasoner" },
        target: "label",
        span: at(1, 1, 0, 8),
      },
    ]);
  });
  it("CLASSIFY USING given examples", () => {
    const { program, diagnostics } = parse("CLASSIFY doc INTO labels USING mine AS label");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "classify",
        value: { kind: "var", name: "doc", span: at(1, 10, 9, 3) },
        labels: { kind: "var", name: "labels", span: at(1, 19, 18, 6) },
        using: { kind: "given", examples: { kind: "var", name: "mine", span: at(1, 32, 31, 4) } },
        target: "label",
        span: at(1, 1, 0, 8),
      },
    ]);
  });
  it("ASK master", () => {
    const { program, diagnostics } = parse('ASK master "who?" AS answers');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      { kind: "ask", question: { kind: "text", value: "who?", span: at(1, 12, 11, 6) }, target: "answers", span: at(1, 1, 0, 3) },
    ]);
  });
  it("REPORT", () => {
    const { program, diagnostics } = parse("REPORT facts TO master");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([{ kind: "report", value: { kind: "var", name: "facts", span: at(1, 8, 7, 5) }, span: at(1, 1, 0, 6) }]);
  });
  it("REMEMBER with a key", () => {
    const { program, diagnostics } = parse('REMEMBER doc AS "key"');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "remember",
        value: { kind: "var", name: "doc", span: at(1, 10, 9, 3) },
        key: { kind: "text", value: "key", span: at(1, 17, 16, 5) },
        span: at(1, 1, 0, 8),
      },
    ]);
  });
  it("REMEMBER", () => {
    const { program, diagnostics } = parse("REMEMBER doc");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([{ kind: "remember", value: { kind: "var", name: "doc", span: at(1, 10, 9, 3) }, key: null, span: at(1, 1, 0, 8) }]);
  });
  it("RECALL", () => {
    const { program, diagnostics } = parse('RECALL "refunds" AS memories');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      { kind: "recall", query: { kind: "text", value: "refunds", span: at(1, 8, 7, 9) }, target: "memories", span: at(1, 1, 0, 6) },
    ]);
  });
  it("SUMMON", () => {
    const { program, diagnostics } = parse('SUMMON "scout" WITH {personality: "calm", program: p} AS child');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "summon",
        name: { kind: "text", value: "scout", span: at(1, 8, 7, 7) },
        spec: {
          kind: "record",
          entries: [
            { key: "personality", value: { kind: "text", value: "calm", span: at(1, 35, 34, 6) } },
            { key: "program", value: { kind: "var", name: "p", span: at(1, 52, 51, 1) } },
          ],
          span: at(1, 21, 20, 33),
        },
        target: "child",
        span: at(1, 1, 0, 6),
      },
    ]);
  });
  it("CALL with a timeout", () => {
    const { program, diagnostics } = parse('CALL being "scout" WITH q TIMEOUT 5s AS reply');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "call",
        being: { kind: "text", value: "scout", span: at(1, 12, 11, 7) },
        input: { kind: "var", name: "q", span: at(1, 25, 24, 1) },
        timeoutMs: 5000,
        target: "reply",
        span: at(1, 1, 0, 4),
      },
    ]);
  });
  it("RUN python", () => {
    const { program, diagnostics } = parse('RUN python """\n  print(1)\n  """ AS out');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      { kind: "run", language: "python", code: { kind: "text", value: "print(1)", span: at(1, 12, 11, 20) }, target: "out", span: at(1, 1, 0, 3) },
    ]);
  });
  it("EMIT", () => {
    const { program, diagnostics } = parse('EMIT "triage.done" {n: 1}');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "emit",
        type: { kind: "text", value: "triage.done", span: at(1, 6, 5, 13) },
        value: { kind: "record", entries: [{ key: "n", value: { kind: "number", value: 1, span: at(1, 24, 23, 1) } }], span: at(1, 20, 19, 6) },
        span: at(1, 1, 0, 4),
      },
    ]);
  });
  it("SET with precedence", () => {
    const { program, diagnostics } = parse('SET total = a.b + 2 == 3 and not done or x != "y"');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "set",
        target: "total",
        value: {
          kind: "binary",
          op: "or",
          left: {
            kind: "binary",
            op: "and",
            left: {
              kind: "binary",
              op: "==",
              left: {
                kind: "binary",
                op: "+",
                left: { kind: "field", object: { kind: "var", name: "a", span: at(1, 13, 12, 1) }, name: "b", span: at(1, 13, 12, 3) },
                right: { kind: "number", value: 2, span: at(1, 19, 18, 1) },
                span: at(1, 13, 12, 7),
              },
              right: { kind: "number", value: 3, span: at(1, 24, 23, 1) },
              span: at(1, 13, 12, 12),
            },
            right: { kind: "not", operand: { kind: "var", name: "done", span: at(1, 34, 33, 4) }, span: at(1, 30, 29, 8) },
            span: at(1, 13, 12, 25),
          },
          right: {
            kind: "binary",
            op: "!=",
            left: { kind: "var", name: "x", span: at(1, 42, 41, 1) },
            right: { kind: "text", value: "y", span: at(1, 47, 46, 3) },
            span: at(1, 42, 41, 8),
          },
          span: at(1, 13, 12, 37),
        },
        span: at(1, 1, 0, 3),
      },
    ]);
  });
  it("IF … ELSE … END", () => {
    const { program, diagnostics } = parse("IF x > 1\n  STOP\nELSE\n  WAIT 2s\nEND");
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "if",
        condition: {
          kind: "binary",
          op: ">",
          left: { kind: "var", name: "x", span: at(1, 4, 3, 1) },
          right: { kind: "number", value: 1, span: at(1, 8, 7, 1) },
          span: at(1, 4, 3, 5),
        },
        then: [{ kind: "stop", span: at(2, 3, 11, 4) }],
        else: [{ kind: "wait", ms: 2000, span: at(4, 3, 23, 4) }],
        span: at(1, 1, 0, 2),
      },
    ]);
  });
  it("FOR EACH, lower case", () => {
    const { program, diagnostics } = parse('for each t in topics\n  emit "t.seen" t\nend');
    expect(diagnostics).toEqual([]);
    expect(program.statements).toEqual([
      {
        kind: "forEach",
        item: "t",
        list: { kind: "var", name: "topics", span: at(1, 15, 14, 6) },
        body: [
          {
            kind: "emit",
            type: { kind: "text", value: "t.seen", span: at(2, 8, 28, 8) },
            value: { kind: "var", name: "t", span: at(2, 17, 37, 1) },
            span: at(2, 3, 23, 4),
          },
        ],
        span: at(1, 1, 0, 3),
      },
    ]);
  });
});

describe("parse: edges", () => {
  it("file and url are keywords only when a value follows", () => {
    const { program, diagnostics } = parse("SET file = 1\nLOAD file AS a\nLOAD url u AS b");
    expect(diagnostics).toEqual([]);
    expect(program.statements.slice(1).map((s) => (s.kind === "load" ? s.source.kind : s.kind))).toEqual(["value", "url"]);
  });

  it("a list or record may span lines; an unclosed one stops at the next statement", () => {
    expect(parse("SET a = [\n  1,\n  2\n]\nSET b = {x: 1,\n y: 2}").diagnostics).toEqual([]);
    expect(parse("SET a = [1,\nSET b = 2").diagnostics.map((d) => `${d.span.line}: ${d.message}`)).toEqual(["1: expected a value, found the end of the line"]);
  });

  it("format prints the canonical layout", () => {
    expect(format(parse('set  x=1+2\nif x>1 and not y\nemit "a.b" {k:x, "two words":[1,-2]}\nend').program)).toBe(
      'SET x = 1 + 2\nIF (x > 1) and (not y)\n  EMIT "a.b" {k: x, "two words": [1, -2]}\nEND\n',
    );
  });
});

import { describe, expect, it } from "vitest";
import { compile } from "./compile";
import { editDistance, formatDiagnostic } from "./diagnostics";

/** Every error of `source`, formatted exactly as the editor and `lux check` show it. */
function errors(source: string): string[] {
  return compile(source).diagnostics.map((d) => formatDiagnostic(d, source, "t.lux"));
}

describe("error messages", () => {
  it("names an unknown statement and suggests the nearest keyword", () => {
    expect(errors('LAOD "hello" AS greeting')).toEqual([
      ["t.lux:1:1: unknown statement LAOD — did you mean LOAD?", '   1 | LAOD "hello" AS greeting', "     | ^^^^"].join("\n"),
    ]);
  });

  it("reports several syntax errors, recovering at each line", () => {
    const source = 'SET a = 1\nREPROT a TO master\nSET b = [1, 2\nEMBED a AS 3\nSET c = "open';
    expect(errors(source)).toEqual([
      ["t.lux:2:1: unknown statement REPROT — did you mean REPORT?", "   2 | REPROT a TO master", "     | ^^^^^^"].join("\n"),
      [
        "t.lux:3:14: expected , or ], found the end of the line",
        "   3 | SET b = [1, 2",
        "     |              ^",
        "  hint: separate items with commas and close with ]",
      ].join("\n"),
      [
        "t.lux:4:12: expected a variable name, found 3",
        "   4 | EMBED a AS 3",
        "     |            ^",
        "  hint: a name is letters, digits and _, starting with a letter",
      ].join("\n"),
      [
        "t.lux:5:9: this text never ends",
        '   5 | SET c = "open',
        "     |         ^^^^^",
        '  hint: close it with " on the same line, or use """ for text over several lines',
      ].join("\n"),
    ]);
  });

  it("points at an undefined variable and suggests a close name", () => {
    expect(errors('SET greeting = "hi"\nREPORT greting TO master')).toEqual([
      [
        "t.lux:2:8: undefined variable greting — did you mean greeting?",
        "   2 | REPORT greting TO master",
        "     |        ^^^^^^^",
        "  hint: write greeting",
      ].join("\n"),
    ]);
  });

  it("finds arguments of the wrong kind", () => {
    const source = 'FOR EACH x IN 5\nEND\nEMIT "Bad Type" 1\nLOAD url "ftp://host/file" AS f\nCLASSIFY 3 INTO "billing" AS c\nSUMMON "w" WITH "calm" AS w';
    expect(compile(source).diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`)).toEqual([
      "1:15 FOR EACH goes over a list, not number",
      '3:6 event type "Bad Type" is not dotted lower case',
      "4:10 LOAD url takes an http:// or https:// address",
      "5:10 CLASSIFY takes text, a document or a list of them, not number",
      "5:17 INTO takes list, not text",
      "6:17 SUMMON … WITH takes record, not text",
    ]);
  });

  it("marks the first step after STOP unreachable", () => {
    expect(errors("STOP\nSET y = 2\nSET z = 3")).toEqual([
      ["t.lux:2:1: unreachable step: nothing after STOP runs", "   2 | SET y = 2", "     | ^^^", "  hint: remove it, or move the STOP on line 1 below it"].join(
        "\n",
      ),
    ]);
  });

  it("a variable set in one branch only is undefined after the IF; one set in both is defined", () => {
    const source = "SET x = 1\nIF x > 0\n  SET a = 1\n  SET b = 1\nELSE\n  SET b = 2\nEND\nREPORT b TO master\nREPORT a TO master";
    expect(compile(source).diagnostics.map((d) => `${d.span.line} ${d.message}`)).toEqual(["9 undefined variable a"]);
  });

  it("a branch that STOPs leaves the other branch's names defined", () => {
    expect(compile("IF true\n  STOP\nELSE\n  SET a = 1\nEND\nREPORT a TO master").diagnostics).toEqual([]);
  });

  it("blocks without END and stray ENDs are reported", () => {
    expect(compile("IF true\n  SET a = 1").diagnostics.map((d) => d.message)).toEqual(["IF on line 1 has no END"]);
    expect(compile("END").diagnostics.map((d) => d.message)).toEqual(["END without a matching IF or FOR EACH"]);
  });

  it("= in a condition asks for ==", () => {
    expect(compile("SET a = 1\nIF a = 1\nEND").diagnostics.map((d) => `${d.message} / ${d.hint}`)).toEqual([
      "= sets a variable; to compare, write == / write a == b",
    ]);
  });

  it("edit distance counts a swap as one edit", () => {
    expect(editDistance("LAOD", "LOAD")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Stmt } from "./ast";
import { compile } from "./compile";
import { createMemoryHost } from "./createMemoryHost";
import { formatDiagnostic } from "./diagnostics";
import { runLux } from "./interpret";
import { parse } from "./parse";

const EXAMPLE_DIR = new URL("../../examples/", import.meta.url);

describe("examples", () => {
  it.each(readdirSync(EXAMPLE_DIR).filter((f) => f.endsWith(".lux")))("%s passes check and runs with the in-memory host", async (file) => {
    const source = readFileSync(new URL(file, EXAMPLE_DIR), "utf8");
    const { program, diagnostics } = compile(source);
    expect(diagnostics.map((d) => formatDiagnostic(d, source, file))).toEqual([]);
    const hostFile = new URL(file.replace(/\.lux$/, ".host.json"), EXAMPLE_DIR);
    const options = (() => {
      try {
        return JSON.parse(readFileSync(hostFile, "utf8")) as object;
      } catch {
        return {};
      }
    })();
    const host = createMemoryHost({ anyBeing: (being, input) => ({ from: being, echo: input }), ...options });
    const result = await runLux(program, { host });
    expect(result.error).toBeNull();
    expect(host.reports.length).toBeGreaterThan(0);
  });
});

describe("docs/lux.md", () => {
  const doc = readFileSync(new URL("../../docs/lux.md", import.meta.url), "utf8");
  const snippets = [...doc.matchAll(/```lux\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it("has a snippet for every statement, and every snippet parses", () => {
    expect(snippets.length).toBeGreaterThan(15);
    for (const snippet of snippets) expect(parse(snippet).diagnostics.map((d) => formatDiagnostic(d, snippet, "docs/lux.md"))).toEqual([]);
    const kinds = (stmts: Stmt[]): string[] =>
      stmts.flatMap((st) => [st.kind, ...(st.kind === "if" ? kinds([...st.then, ...(st.else ?? [])]) : st.kind === "forEach" ? kinds(st.body) : [])]);
    const used = new Set(snippets.flatMap((s) => kinds(parse(s).program.statements)));
    expect([...used].sort()).toEqual([
      "ask",
      "call",
      "classify",
      "embed",
      "emit",
      "forEach",
      "if",
      "load",
      "recall",
      "remember",
      "report",
      "run",
      "set",
      "stop",
      "summon",
      "wait",
    ]);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seededRandomBytes } from "../events";
import { createRandom, type Random } from "../random";
import { compile } from "./compile";
import { createMemoryHost } from "./createMemoryHost";
import { formatDiagnostic } from "./diagnostics";
import { runLux } from "./interpret";
import { LuxRuntimeError } from "./LuxRuntimeError";
import { format } from "./format";
import { parse } from "./parse";

const SEEDS = 300;
const EXAMPLE_DIR = new URL("../../examples/", import.meta.url);
const examples = readdirSync(EXAMPLE_DIR)
  .filter((f) => f.endsWith(".lux"))
  .map((f) => readFileSync(new URL(f, EXAMPLE_DIR), "utf8"));

const NAMES = ["a", "b", "items", "doc", "x"];
const values = (r: Random, depth = 0): string => {
  const pick = r.int(0, depth > 2 ? 3 : 7);
  switch (pick) {
    case 0:
      return String(r.int(-5, 50));
    case 1:
      return JSON.stringify(r.pick(["hello", "refund please", "", "a\\b", "crash"]));
    case 2:
      return r.pick(["true", "false"]);
    case 3:
      return r.pick(NAMES);
    case 4:
      return `[${Array.from({ length: r.int(0, 3) }, () => values(r, depth + 1)).join(", ")}]`;
    case 5:
      return `{k: ${values(r, depth + 1)}, text: ${values(r, depth + 1)}}`;
    case 6:
      return `${values(r, depth + 1)} ${r.pick(["+", "-", "==", "<", "and", "or"])} ${values(r, depth + 1)}`;
    default:
      return `${r.pick(NAMES)}.${r.pick(["length", "text", "k"])}`;
  }
};

/** A random program from the real statement forms, mostly valid, sometimes not. */
function randomProgram(r: Random, depth = 0): string {
  const lines: string[] = [];
  const n = r.int(1, 8);
  for (let i = 0; i < n; i++) {
    const v = () => values(r);
    const name = r.pick(NAMES);
    const form = r.int(0, depth > 1 ? 12 : 14);
    const forms: (() => string)[] = [
      () => `SET ${name} = ${v()}`,
      () => `LOAD ${v()} AS ${name}`,
      () => `EMBED ${v()} AS ${name}`,
      () => `CLASSIFY ${v()} INTO ["billing", "bug"] AS ${name}`,
      () => `ASK master ${v()} AS ${name}`,
      () => `REPORT ${v()} TO master`,
      () => `REMEMBER ${v()} AS "k"`,
      () => `RECALL ${v()} AS ${name}`,
      () => `EMIT "fuzz.event" ${v()}`,
      () => `WAIT ${r.int(0, 3)}s`,
      () => `CALL being "echo" WITH ${v()} TIMEOUT 1s AS ${name}`,
      () => `SUMMON "w" WITH {program: ${v()}} AS ${name}`,
      () => (r.bool(0.1) ? "STOP" : `SET ${name} = ${v()}`),
      () => `IF ${v()}\n${randomProgram(r, depth + 1)}\nELSE\n${randomProgram(r, depth + 1)}\nEND`,
      () => `FOR EACH ${name} IN ${v()}\n${randomProgram(r, depth + 1)}\nEND`,
    ];
    lines.push(forms[form]!());
  }
  return lines.join("\n");
}

/** Deletes, duplicates or swaps characters and tokens. */
function mutate(r: Random, source: string): string {
  let s = source;
  for (let k = r.int(1, 6); k > 0; k--) {
    const at = r.int(0, Math.max(0, s.length - 1));
    switch (r.int(0, 4)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + r.int(1, 5));
        break;
      case 1:
        s = s.slice(0, at) + r.pick(['"', '"""', "[", "}", "\n", "END", " IF ", "#", "é", "\t", "\\", "=", "-"]) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at, at + r.int(1, 12)) + s.slice(at);
        break;
      case 3:
        s = s.toUpperCase();
        break;
      default:
        s = s.slice(0, at) + String.fromCharCode(r.int(0, 0x2fff)) + s.slice(at);
    }
  }
  return s;
}

/** Defined before every fuzzed program, so most random programs pass the checks and reach the interpreter. */
const PRESET = { a: "refund please", b: 2, items: ["crash", "refund"], doc: "app crashes", x: { k: 1, text: "t" } };

async function survive(source: string, seed: number) {
  const { program, diagnostics } = compile(source, Object.keys(PRESET));
  for (const d of diagnostics) {
    expect(d.span.line).toBeGreaterThanOrEqual(1);
    expect(d.span.column).toBeGreaterThanOrEqual(1);
    expect(typeof formatDiagnostic(d, source, "f.lux")).toBe("string");
  }
  // NOTE: even a program that fails its checks must run without an unexpected exception: the interpreter guards itself.
  const host = createMemoryHost({
    beings: { echo: (x) => x },
    examples: [
      { text: "refund", label: "billing" },
      { text: "crash", label: "bug" },
    ],
  });
  const result = await runLux(program, { host, budget: 5_000, maxSteps: 500, randomBytes: seededRandomBytes(seed), variables: PRESET });
  if (result.error) expect(result.error).toBeInstanceOf(LuxRuntimeError);
  expect(result.steps.length).toBeLessThanOrEqual(500);
  return diagnostics.length === 0 && result.ok;
}

describe("fuzz: random and mutated programs", () => {
  it(`${SEEDS} random programs parse, check and run without an unexpected exception`, async () => {
    let clean = 0;
    for (let seed = 1; seed <= SEEDS; seed++) if (await survive(randomProgram(createRandom(seed)), seed)) clean++;
    // The generator must reach the interpreter's real paths, not only error paths.
    expect(clean).toBeGreaterThan(SEEDS / 10);
  });

  it(`${SEEDS} mutated programs (random and the examples) never throw and never hang`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = createRandom(seed * 7919);
      const base = r.bool() ? r.pick(examples) : randomProgram(r);
      await survive(mutate(r, base), seed);
    }
  });

  it("pathological inputs are reported, not thrown", () => {
    for (const source of ["[".repeat(5000), "SET a = " + "(".repeat(3000), "IF x\n".repeat(500), "NOT ".repeat(4000), '"""', "\u0000\uffff"]) {
      expect(() => parse(source)).not.toThrow();
      expect(parse(source).diagnostics.length).toBeGreaterThan(0);
    }
  });
});

/** The AST without positions, for comparing a program with its reformatted self. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "span")
        .map(([k, v]) => [k, shape(v)]),
    );
  return value;
}

describe("fuzz: format is the parser's inverse", () => {
  it(`${SEEDS} random programs and the examples survive parse → format → parse unchanged`, () => {
    const sources = [...examples, ...Array.from({ length: SEEDS }, (_, i) => randomProgram(createRandom(10_000 + i)))];
    let compared = 0;
    for (const source of sources) {
      const first = parse(source);
      if (first.diagnostics.length > 0) continue;
      const printed = format(first.program);
      const second = parse(printed);
      expect(second.diagnostics, printed).toEqual([]);
      expect(shape(second.program), printed).toEqual(shape(first.program));
      expect(format(second.program)).toBe(printed);
      compared++;
    }
    expect(compared).toBeGreaterThan(sources.length / 2);
  });
});

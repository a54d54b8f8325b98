/**
 * `npm run bench -- lux` → bench/results/lux.json: the Lux language (issue 4 §9).
 *
 * - pipeline_docs_per_s: `LOAD rows → EMBED → CLASSIFY → REPORT` run by the interpreter in one being's host
 *   (workers/being/luxHost.ts) over a real micro-world (sqlite-wasm, in memory here rather than on OPFS),
 *   with the built-in embedder; REPORT learns each document as a fact, in one transaction.
 *   Baseline, same run: the same work written straight in TypeScript (read rows, hashEmbed, nearestLabel,
 *   learnMany with those vectors in one transaction), no interpreter. `pipeline_vs_direct_ratio` is Lux time ÷ direct time.
 * - parse_10k_lines_ms: `compile` (tokenize, parse and the static checks) of a 10,000-line program.
 *   Baseline, same run: `JSON.parse` of a JSON document of the same size (`parse_vs_json_ratio`).
 *
 * Env: BENCH_DOCS (10000), BENCH_SAMPLES (5), BENCH_OUT.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { hashEmbed } from "../lib/embed";
import { compile, nearestLabel, runLux } from "../lib/lux";
import { createBeingLuxHost } from "../workers/being/luxHost";
import { MicroWorld } from "../workers/being/microWorld";
import { machine, quantile, round } from "./lib/stats";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SOUL = "0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f";
const LABELS = ["billing", "bug", "account"];
const EXAMPLES = [
  { text: "refund my payment, I was billed twice", label: "billing" },
  { text: "the invoice amount is wrong", label: "billing" },
  { text: "the app crashes and freezes when I upload a file", label: "bug" },
  { text: "an error message and a frozen page after clicking save", label: "bug" },
  { text: "change the email address of my account", label: "account" },
  { text: "I forgot my password and cannot log in", label: "account" },
];
const SUBJECTS = ["my card was charged twice", "the upload page crashes", "I cannot sign in", "the invoice total is wrong", "the app freezes on save"];

const PIPELINE = `LOAD rows from memories AS docs
EMBED docs AS vectors
CLASSIFY vectors INTO ${JSON.stringify(LABELS)} USING known AS labels
REPORT docs TO master`;

function ms(from: number): number {
  return performance.now() - from;
}

async function freshWorld(docs: number): Promise<MicroWorld> {
  const world = await MicroWorld.createInMemory(SOUL);
  world.write(() => {
    for (let i = 0; i < docs; i++) world.remember("doc", `ticket ${i}: ${SUBJECTS[i % SUBJECTS.length]} (order ${i * 7919})`);
  });
  return world;
}

const refuseMaster = {
  mutation: () => Promise.reject(new Error("the pipeline does not call the master")),
  read: () => Promise.reject(new Error("the pipeline does not call the master")),
};

async function luxPipeline(docs: number): Promise<{ ms: number; facts: number }> {
  const world = await freshWorld(docs);
  try {
    const host = createBeingLuxHost({ soul: SOUL, world, master: refuseMaster });
    const { program, diagnostics } = compile(PIPELINE, ["known"]);
    if (diagnostics.length > 0) throw new Error(diagnostics[0]!.message);
    const t0 = performance.now();
    const result = await runLux(program, { host, source: SOUL, budget: 100_000_000, variables: { known: EXAMPLES.map((e) => ({ ...e })) } });
    host.flush();
    const took = ms(t0);
    if (!result.ok) throw new Error(result.error?.message);
    return { ms: took, facts: world.counts().facts };
  } finally {
    world.close();
  }
}

async function directPipeline(docs: number): Promise<{ ms: number; facts: number }> {
  const world = await freshWorld(docs);
  try {
    const cache = new Map<string, Float32Array>();
    const embed = (t: string) => cache.get(t) ?? (cache.set(t, hashEmbed(t)), cache.get(t)!);
    const t0 = performance.now();
    const rows = world.tableRows("memories", 1_000_000).rows;
    const docs = rows.map((r) => ({ text: String(r["text"]), vector: hashEmbed(String(r["text"])) }));
    const labels = docs.map((d) => nearestLabel(d.vector, LABELS, EXAMPLES, embed)?.label);
    if (labels.some((l) => l === undefined)) throw new Error("a document found no label");
    world.learnMany(docs.map((d) => ({ text: d.text, source: "lux", confidence: 0.8, embedding: d.vector })));
    return { ms: ms(t0), facts: world.counts().facts };
  } finally {
    world.close();
  }
}

function bigProgram(lines: number): string {
  const block = [
    'SET tickets = ["I was charged twice", "the app crashes", "reset my password"]',
    "EMBED tickets AS docs",
    'CLASSIFY docs INTO ["billing", "bug", "account"] USING examples AS labels',
    "FOR EACH label IN labels",
    '  IF label == "bug" and tickets.length > 2',
    '    REPORT {text: "a bug: " + label, confidence: 0.9} TO master',
    "  ELSE",
    '    REMEMBER label AS "seen"',
    "  END",
    "END",
  ];
  const out: string[] = [];
  while (out.length < lines) out.push(...block);
  return out.slice(0, lines - (lines % block.length)).join("\n");
}

export async function run(): Promise<void> {
  const docs = env("BENCH_DOCS", 10_000);
  const samples = env("BENCH_SAMPLES", 5);
  const out = process.env["BENCH_OUT"] ?? fileURLToPath(new URL("./results/lux.json", import.meta.url));

  const loadAtStart = loadavg()[0]!;
  // warm up the JIT and sqlite-wasm once each
  await luxPipeline(1_000);
  await directPipeline(1_000);
  const lux: number[] = [];
  const direct: number[] = [];
  let facts = 0;
  for (let i = 0; i < samples; i++) {
    // interleaved, so both see the same machine
    const a = await luxPipeline(docs);
    const b = await directPipeline(docs);
    if (a.facts !== docs || b.facts !== docs) throw new Error(`expected ${docs} facts, got ${a.facts} and ${b.facts}`);
    facts = a.facts;
    lux.push(a.ms);
    direct.push(b.ms);
  }

  const source = bigProgram(10_000);
  const lines = source.split("\n").length;
  const json = JSON.stringify({ lines: source.split("\n").map((l, i) => ({ i, l })) });
  for (let i = 0; i < 3; i++) compile(source);
  const parse: number[] = [];
  const jsonParse: number[] = [];
  for (let i = 0; i < samples * 3; i++) {
    let t0 = performance.now();
    const { diagnostics } = compile(source);
    parse.push(ms(t0));
    if (diagnostics.length > 0) throw new Error(`the 10k-line program has errors: ${diagnostics[0]!.message}`);
    t0 = performance.now();
    JSON.parse(json);
    jsonParse.push(ms(t0));
  }

  const luxMs = quantile(lux, 0.5);
  const directMs = quantile(direct, 0.5);
  const parseMs = quantile(parse, 0.5);
  const jsonMs = quantile(jsonParse, 0.5);
  const result = {
    bench: "lux",
    at: new Date().toISOString(),
    machine: machine(),
    load_average_at_start: round(loadAtStart),
    load_average_at_end: round(loadavg()[0]!),
    docs,
    samples,
    pipeline: PIPELINE,
    pipeline_docs_per_s: round((docs / luxMs) * 1000),
    pipeline_p50_ms: round(luxMs),
    direct_docs_per_s: round((docs / directMs) * 1000),
    direct_p50_ms: round(directMs),
    pipeline_vs_direct_ratio: round(luxMs / directMs),
    pipeline_note: `one being's Lux host over a sqlite-wasm micro-world in memory (OPFS needs a browser); ${facts} facts learned per run by one MicroWorld.learnMany batch (EMBED's vectors reused, a knowledge.learned envelope built without re-validation, two prepared inserts per fact, one transaction), as the direct baseline does; the ratio is the interpreter's own overhead`,
    parse_10k_lines_ms: round(parseMs),
    parse_lines: lines,
    parse_bytes: source.length,
    json_parse_same_bytes_ms: round(jsonMs),
    json_bytes: json.length,
    parse_vs_json_ratio: round(parseMs / jsonMs),
    goals: { pipeline_docs_per_s: ">= 5000", parse_10k_lines_ms: "<= 100" },
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

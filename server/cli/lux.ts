/**
 * The Lux command line: `npm run lux -- check <file…>` prints errors as the editor shows them and exits 1 on any;
 * `npm run lux -- run <file> [--budget N] [--host host.json]` runs headless with the in-memory host and prints the trace.
 * The host file (`--host`, or `<file>.host.json` beside the program) is JSON for createMemoryHost: files, urls, tables, queries, examples, facts.
 * NOTE: the master-connected host (ASK/REPORT against a running master) arrives with the knowledge issue.
 */
import { existsSync, readFileSync } from "node:fs";
import { compile, createMemoryHost, formatDiagnostic, runLux, summarize, type MemoryHostOptions } from "../../lib/lux";

const USAGE = "usage: npm run lux -- check <file.lux>…\n       npm run lux -- run <file.lux> [--budget N] [--host host.json]";

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    process.stderr.write(`${path}: cannot read: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

function checkFiles(paths: string[]): number {
  let errors = 0;
  for (const path of paths) {
    const source = read(path);
    const { diagnostics } = compile(source);
    for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d, source, path)}\n\n`);
    errors += diagnostics.length;
    if (diagnostics.length === 0) process.stdout.write(`${path}: ok\n`);
  }
  if (errors > 0) process.stdout.write(`${errors} error${errors === 1 ? "" : "s"}\n`);
  return errors > 0 ? 1 : 0;
}

async function runFile(path: string, flags: string[]): Promise<number> {
  const source = read(path);
  const { program, diagnostics } = compile(source);
  if (diagnostics.length > 0) {
    for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d, source, path)}\n\n`);
    return 1;
  }
  const budgetAt = flags.indexOf("--budget");
  const hostAt = flags.indexOf("--host");
  const budget = budgetAt >= 0 ? Number(flags[budgetAt + 1]) : undefined;
  if (budget !== undefined && (!Number.isSafeInteger(budget) || budget < 0)) {
    process.stderr.write(`--budget takes a whole number of Tiki ≥ 0, got ${flags[budgetAt + 1] ?? "nothing"}\n`);
    return 2;
  }
  const hostFile = hostAt >= 0 ? (flags[hostAt + 1] ?? "") : path.replace(/\.lux$/, ".host.json");
  const options = hostAt >= 0 || existsSync(hostFile) ? (JSON.parse(read(hostFile)) as MemoryHostOptions) : {};
  // NOTE: CALL reaches beings only in a real swarm; on the command line every being echoes what it was asked.
  const host = createMemoryHost({ anyBeing: (being, input) => ({ from: being, echo: input }), ...options });
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  const result = await runLux(program, { host, budget, signal: controller.signal });
  process.stdout.write(`trace ${result.traceid}\n`);
  for (const step of result.steps) {
    process.stdout.write(
      `${String(step.index + 1).padStart(4)}  ${path}:${step.line}  ${step.statement.padEnd(9)} ${String(step.tiki).padStart(5)} Tiki  ${step.output}\n`,
    );
  }
  for (const report of host.reports) process.stdout.write(`report → master: ${summarize(report, 200)}\n`);
  if (result.error) {
    process.stdout.write(`error: ${result.error.message}\n`);
    return 1;
  }
  process.stdout.write(`ok: ${result.steps.length} steps, ${result.spent} Tiki\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const files = rest.filter((a, i) => !a.startsWith("--") && !(rest[i - 1] ?? "").startsWith("--"));
  if (command === "check" && files.length > 0) return checkFiles(files);
  if (command === "run" && files.length === 1) return runFile(files[0]!, rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));

/**
 * Benchmark runner: `npm run bench -- <name> [args...]` runs `bench/<name>.ts`.
 * Each benchmark module exports `run(args: string[]): Promise<void>`.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "run.ts" && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const names = available();

if (!name || !names.includes(name)) {
  const why = name ? `Unknown benchmark "${name}".` : "No benchmark named.";
  console.error(`${why} Usage: npm run bench -- <name>\nAvailable: ${names.join(", ") || "(none)"}`);
  process.exit(2);
}

const mod = (await import(`./${name}.ts`)) as { run?: (args: string[]) => Promise<void> };
if (typeof mod.run !== "function") {
  console.error(`bench/${name}.ts does not export run(args): nothing to do.`);
  process.exit(2);
}
await mod.run(args);

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "lux.ts");

function lux(...args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync("npx", ["tsx", CLI, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, out: e.stdout };
  }
}

describe("npm run lux", () => {
  it("check prints the error with its caret and hint and exits 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "lux-"));
    const file = join(dir, "typo.lux");
    writeFileSync(file, 'SET greeting = "hi"\nREPORT greting TO master\n');
    const { code, out } = lux("check", file);
    expect(code).toBe(1);
    expect(out).toBe(
      `${file}:2:8: undefined variable greting — did you mean greeting?\n   2 | REPORT greting TO master\n     |        ^^^^^^^\n  hint: write greeting\n\n1 error\n`,
    );
  }, 30_000);

  it("run prints the trace of an example and exits 0", () => {
    const { code, out } = lux("run", join(import.meta.dirname, "../../examples/triage.lux"));
    expect(code).toBe(0);
    expect(out).toMatch(/CLASSIFY\s+52 Tiki {2}"bug"/);
    expect(out).toMatch(/ok: \d+ steps, \d+ Tiki/);
  }, 30_000);
});

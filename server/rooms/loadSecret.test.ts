import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSecret, SECRET_FILE } from "./loadSecret";

describe("loadSecret", () => {
  it("uses LUXOS_SECRET when set", () => {
    expect(new TextDecoder().decode(loadSecret("s".repeat(40), "/nonexistent"))).toBe("s".repeat(40));
  });

  it("generates a secret once into the data folder and reuses it", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "luxos-secret-")), "data");
    const first = loadSecret(undefined, dir);
    expect(first.length).toBe(64);
    expect(loadSecret(undefined, dir)).toEqual(first);
    expect(statSync(path.join(dir, SECRET_FILE)).mode & 0o077).toBe(0);
    expect(readFileSync(path.join(dir, SECRET_FILE), "utf8").trim()).toHaveLength(64);
  });
});

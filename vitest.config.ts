import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{lib,server,workers,app,bench}/**/*.test.ts"],
    // NOTE: PGlite boots a whole PostgreSQL per file; two cores do not like more than two at once.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";

/** Port of the server Playwright starts; the restart spec starts its own on E2E_PORT + 1. */
const PORT = Number(process.env["E2E_PORT"] ?? 3100);
/** A fresh master store per run, removed before the server starts (ignored by git: .luxos-*). */
const DATA_DIR = `.luxos-e2e-${PORT}`;

export default defineConfig({
  testDir: "./e2e",
  // NOTE: generous for a 2-core machine, where the first page load after a build compiles nothing but still warms up.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env["CI"]),
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: chromiumLaunchOptions,
      },
    },
  ],
  webServer: {
    command: `rm -rf ${DATA_DIR} && npm start`,
    env: { PORT: String(PORT), HOST: "127.0.0.1", LUXOS_DATA_DIR: DATA_DIR, LUXOS_LOG: "error" },
    url: `http://127.0.0.1:${PORT}/api/health`,
    // The first start builds the Next.js app.
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});

/**
 * How LuxOS drives Chromium everywhere (Playwright config, specs that launch their own browser, benchmarks).
 * NOTE: the system Chromium; never `npx playwright install` (no internet, see STACK-NOTES §8). Without the
 * background-networking flags Chromium keeps dialling hosts this machine cannot reach.
 */
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
] as const;

/** Launch options for playwright's `chromium.launch*`. */
export const chromiumLaunchOptions = { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] };

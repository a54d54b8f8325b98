/**
 * Beings in the browser (M3): real Chromium, real server, real workers and OPFS. No sleeps: every
 * wait is for something the page shows (or the `window.__luxos.swarm` hook, for workers and locks).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Locator, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "./chromium";
import { expect, spawnInSwarm, test } from "./fixtures";

function card(page: Page, soul: string): Locator {
  return page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`);
}

async function number(locator: Locator): Promise<number> {
  return Number((await locator.textContent())?.replaceAll(",", "") ?? "NaN");
}

/** Waits until the being's reflex has ticked past what it shows now. */
async function expectTicking(page: Page, soul: string): Promise<void> {
  const ticks = card(page, soul).getByTestId("ticks-reflex");
  const before = await number(ticks);
  await expect.poll(() => number(ticks)).toBeGreaterThan(before + 5);
}

async function openSwarm(page: Page): Promise<void> {
  await page.goto("/swarm");
  await expect(page.getByTestId("spawn-submit")).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm !== undefined)).toBe(true);
}

test("three beings spawn, tick, learn, and come back after a reload with their micro-worlds", async ({ page, unique }) => {
  await openSwarm(page);
  const souls = [
    await spawnInSwarm(page, unique("Ada")),
    await spawnInSwarm(page, unique("Brin")),
    await spawnInSwarm(page, unique("Cleo"), { goal: "greet the master" }),
  ];
  for (const soul of souls) {
    await expectTicking(page, soul);
    await expect.poll(() => number(card(page, soul).getByTestId("being-facts"))).toBeGreaterThanOrEqual(1);
    // Its decisions go out through the outbox: waiting there, or already acknowledged by the master.
    const sync = card(page, soul).getByTestId("being-sync");
    await expect.poll(async () => Number(await sync.getAttribute("data-depth")) + Number(await sync.getAttribute("data-sent"))).toBeGreaterThanOrEqual(2);
  }
  expect(await page.evaluate(() => window.__luxos?.swarm?.liveWorkers())).toBe(3);

  await page.reload();
  for (const soul of souls) {
    await expect(card(page, soul)).toHaveAttribute("data-phase", "running");
    await expectTicking(page, soul);
    await expect.poll(() => number(card(page, soul).getByTestId("being-facts"))).toBeGreaterThanOrEqual(1);
  }

  // The micro-world panel: tables, rows, read-only SQL, recent events.
  const soul = souls[0]!;
  await page.goto(`/beings/${soul}`);
  const panel = page.getByTestId("micro-world-panel");
  await expect(panel.getByTestId("table-facts")).toBeVisible();
  await expect(panel.getByTestId("table-outbox")).toBeVisible();
  await expect.poll(async () => Number(await panel.getByTestId("table-memories").getAttribute("data-rows"))).toBeGreaterThanOrEqual(1);
  await panel.getByTestId("table-facts").click();
  await expect(panel.getByTestId("sql-result")).toContainText("<blob 1536 bytes>");
  await panel.getByTestId("sql-input").fill("SELECT count(*) AS n FROM world_model");
  await panel.getByTestId("sql-run").click();
  await expect(panel.getByTestId("sql-result")).toHaveAttribute("data-rows", "1");
  await panel.getByTestId("sql-input").fill("DELETE FROM facts");
  await panel.getByTestId("sql-run").click();
  await expect(panel.getByTestId("sql-error")).toContainText("not DELETE");
  await panel.getByTestId("sql-input").fill("SELECT 1; DROP TABLE facts");
  await panel.getByTestId("sql-run").click();
  await expect(panel.getByTestId("sql-error")).toContainText("one statement");
  await expect(panel.getByTestId("micro-world-events").locator("li").first()).toBeVisible();
});

test("stop and start: the being goes quiet, then carries on from where it was", async ({ page, unique }) => {
  await openSwarm(page);
  const soul = await spawnInSwarm(page, unique("Stopper"));
  await expectTicking(page, soul);
  const being = card(page, soul);
  await being.getByTestId("being-stop").click();
  await expect(being).toHaveAttribute("data-phase", "stopped");
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm?.liveWorkers())).toBe(0);
  const ticksAtStop = await number(being.getByTestId("ticks-reflex"));

  await being.getByTestId("being-start").click();
  await expect(being).toHaveAttribute("data-phase", "running");
  // The mind was saved at stop: its counters continue rather than start over.
  await expect.poll(() => number(being.getByTestId("ticks-reflex"))).toBeGreaterThan(ticksAtStop);

  await being.getByTestId("being-pause").click();
  await expect(being).toHaveAttribute("data-phase", "paused");
  await being.getByTestId("being-resume").click();
  await expect(being).toHaveAttribute("data-phase", "running");
});

test("a worker that dies is shown crashed, and Restart brings it back", async ({ page, unique }) => {
  await openSwarm(page);
  const soul = await spawnInSwarm(page, unique("Fragile"));
  await expectTicking(page, soul);
  expect(await page.evaluate((s) => window.__luxos?.swarm?.simulateCrash(s), soul)).toBe(true);
  const being = card(page, soul);
  await expect(being).toHaveAttribute("data-phase", "crashed");
  await expect(being.getByTestId("being-problem")).toContainText("no heartbeat");
  await being.getByTestId("being-restart").click();
  await expect(being).toHaveAttribute("data-phase", "running");
  await expectTicking(page, soul);
});

test("a second tab cannot run the same being, and takes over when the first tab closes", async ({ page, context, unique }) => {
  await openSwarm(page);
  const soul = await spawnInSwarm(page, unique("Solo"));
  await expectTicking(page, soul);

  const second = await context.newPage();
  await openSwarm(second);
  await expect(card(second, soul)).toHaveAttribute("data-phase", "elsewhere");
  await expect(card(second, soul).getByTestId("being-phase")).toHaveText("running in another tab");
  expect(await second.evaluate((s) => window.__luxos?.swarm?.holdsLock(s), soul)).toBe(false);
  expect(await second.evaluate(() => window.__luxos?.swarm?.liveWorkers())).toBe(0);

  await page.close();
  await expect(card(second, soul)).toHaveAttribute("data-phase", "running");
  expect(await second.evaluate((s) => window.__luxos?.swarm?.holdsLock(s), soul)).toBe(true);
  await expectTicking(second, soul);
});

test("beings and their micro-worlds survive a browser restart", async ({ baseURL, unique }) => {
  const dir = mkdtempSync(join(tmpdir(), "luxos-swarm-"));
  try {
    const launch = () => chromium.launchPersistentContext(dir, { ...chromiumLaunchOptions, baseURL: baseURL! });
    let context = await launch();
    let page = context.pages()[0] ?? (await context.newPage());
    await openSwarm(page);
    const soul = await spawnInSwarm(page, unique("Phoenix"));
    await expect.poll(() => number(card(page, soul).getByTestId("being-facts"))).toBeGreaterThanOrEqual(1);
    await expectTicking(page, soul);
    await context.close();

    context = await launch();
    page = context.pages()[0] ?? (await context.newPage());
    await openSwarm(page);
    await expect(card(page, soul)).toHaveAttribute("data-phase", "running");
    await expectTicking(page, soul);
    await expect.poll(() => number(card(page, soul).getByTestId("being-facts"))).toBeGreaterThanOrEqual(1);
    await context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a being worker that fails to load is shown on the swarm page, and a spawn still runs in a fresh worker", async ({ page, unique }) => {
  // NOTE: the first being worker of the page (the spare) gets a script that throws, as a broken build would.
  await page.addInitScript(() => {
    const Original = window.Worker;
    let broken = 1;
    window.Worker = class extends Original {
      constructor(url: string | URL, options?: WorkerOptions) {
        const fail = options?.name === "being" && broken-- > 0;
        super(fail ? URL.createObjectURL(new Blob(["throw new Error('a broken build');"], { type: "text/javascript" })) : url, options);
      }
    };
  });
  await openSwarm(page);
  const banner = page.getByTestId("swarm-boot-error");
  await expect(banner).toContainText("A being worker failed to load");
  await expect(banner).toContainText("Spawning or starting a being tries a fresh worker.");
  if (process.env["E2E_SCREENSHOTS"]) await page.screenshot({ path: join(process.env["E2E_SCREENSHOTS"], "swarm-boot-error.png"), fullPage: true });
  const soul = await spawnInSwarm(page, unique("Resilient"));
  await expectTicking(page, soul);
  await expect(banner).toHaveCount(0);
});

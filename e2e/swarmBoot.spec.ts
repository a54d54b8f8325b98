/**
 * The swarm host boots from the root layout: beings that were running come back after a reload on
 * any page, and a browser that runs no being starts no worker at all.
 */
import { expect, test } from "./fixtures";

test("a page of a browser that runs no being starts no worker", async ({ page }) => {
  await page.goto("/beings");
  await expect(page.getByTestId("page-title")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(page.workers()).toHaveLength(0);
  expect(await page.evaluate(() => window.__luxos?.swarm)).toBeUndefined();
});

test("running beings come back after a reload on a page other than the Swarm page", async ({ page, unique }) => {
  await page.goto("/swarm");
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm !== undefined)).toBe(true);
  const name = unique("Roamer");
  await page.getByTestId("spawn-name").fill(name);
  await page.getByTestId("spawn-submit").click();
  const being = page.locator('[data-testid="swarm-being"]', { has: page.getByTestId("being-name").getByText(name, { exact: true }) });
  await expect(being).toHaveAttribute("data-phase", "running");
  const soul = await being.getAttribute("data-soul");

  await page.goto("/beings");
  await expect(page.getByTestId("page-title")).toBeVisible();
  // A fresh document: only the layout's SwarmBoot can have started the host and the being again.
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm?.liveWorkers() ?? 0)).toBe(1);
  await expect.poll(() => page.evaluate((s) => window.__luxos?.swarm?.host.get(s!)?.phase, soul)).toBe("running");
  const ticks = () => page.evaluate((s) => window.__luxos?.swarm?.host.get(s!)?.status?.layers.reflex.ticks ?? 0, soul);
  const before = await ticks();
  await expect.poll(ticks).toBeGreaterThan(before + 5);
});

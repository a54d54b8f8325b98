/**
 * The offline PWA (issue 5): after one visit the app opens with no network, cross-origin isolated
 * from the service worker's copy; beings keep running and learning; their outboxes fill; when the
 * network returns the master gets every fact exactly once.
 */
import { expect, spawnInSwarm, test } from "./fixtures";
import { distinctFacts, expectExactlyOnce, masterFacts, swarmCard, syncOf, teachInUi } from "./knowledgeSteps";

test("offline: reload opens the app, a being learns 500 facts into its outbox, and back online the master holds each exactly once", async ({
  page,
  context,
  api,
  unique,
}, testInfo) => {
  // NOTE: generous: on a loaded 2-core machine the master stores a few facts per second.
  test.setTimeout(600_000);
  await page.goto("/swarm");
  // The first visit stores the build; from then on the service worker answers for the page.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const soul = await spawnInSwarm(page, unique("Nomad"));
  const card = swarmCard(page, soul);
  // Online, its decisions reach the master.
  await expect.poll(async () => (await syncOf(card)).lastSync).not.toBeNull();

  await context.setOffline(true);
  await page.reload();
  const banner = page.getByTestId("offline-banner");
  await expect(banner).toHaveAttribute("data-state", "offline");
  expect(
    await page.evaluate(() =>
      fetch("/api/health").then(
        () => "reached",
        () => "unreachable",
      ),
    ),
    "the network is really gone",
  ).toBe("unreachable");
  expect(await page.evaluate(() => crossOriginIsolated), "the stored page keeps COOP/COEP (OPFS needs them)").toBe(true);
  await expect(card).toHaveAttribute("data-phase", "running");
  const ticks = Number(await card.getByTestId("ticks-reflex").textContent());
  await expect.poll(async () => Number(await card.getByTestId("ticks-reflex").textContent())).toBeGreaterThan(ticks + 5);

  const marker = unique("offline").replaceAll(" ", "-");
  const facts = distinctFacts(marker, 500);
  await teachInUi(card, facts);
  await expect(card.getByTestId("being-facts")).not.toHaveText("0");
  await expect.poll(async () => (await syncOf(card)).depth).toBeGreaterThanOrEqual(500);
  await expect(card.getByTestId("being-sync")).toHaveAttribute("data-state", "offline");
  await expect(card.getByTestId("being-sync")).toContainText(/offline — \d{3,} waiting/);
  await page.screenshot({ path: testInfo.outputPath("offline-outbox.png") });
  expect(await masterFacts(api, marker), "nothing leaves while offline").toEqual([]);

  await context.setOffline(false);
  await expect(banner).toHaveCount(0);
  await expect.poll(async () => (await masterFacts(api, marker)).length, { timeout: 420_000, intervals: [2_000] }).toBe(500);
  expectExactlyOnce(await masterFacts(api, marker), facts, soul);
  await expect.poll(async () => (await syncOf(card)).depth, { timeout: 60_000 }).toBeLessThan(50);
  await expect(card.getByTestId("being-sync")).toContainText(/outbox \d+ · (synced \d+ s ago|sending…)/);
  await page.screenshot({ path: testInfo.outputPath("online-synced.png") });
});

test("offline: a page never visited says so and points to the swarm, still cross-origin isolated", async ({ page, context }) => {
  await page.goto("/");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await context.setOffline(true);
  // /beings was stored with the build (a static page): it opens.
  await page.goto("/beings");
  await expect(page.getByTestId("nav-swarm")).toBeVisible();
  await expect(page.getByTestId("offline-banner")).toHaveAttribute("data-state", "offline");
  // A being's page that was never opened has no copy on this device.
  await page.goto("/beings/3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f");
  await expect(page.getByRole("heading", { name: "You are offline" })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.getByRole("link", { name: "open the Swarm" }).click();
  await expect(page.getByTestId("spawn-submit")).toBeVisible();
  await context.setOffline(false);
});

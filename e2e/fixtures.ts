/**
 * Shared Playwright fixtures: a typed tRPC client for arranging data, unique names so
 * tests never see each other's beings, and the UI steps several specs repeat.
 */
import { test as base, expect, type Page } from "@playwright/test";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "../server/root";

export type Api = TRPCClient<AppRouter>;

/** A typed client for the master at `baseURL` (plain JSON, like the app's own). */
export function createApi(baseURL: string): Api {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${baseURL}/api/trpc` })] });
}

export const test = base.extend<{ api: Api; unique: (prefix: string) => string }>({
  api: async ({ baseURL }, use) => {
    await use(createApi(baseURL!));
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this destructuring.
  unique: async ({}, use, testInfo) => {
    let n = 0;
    const run = `${Date.now().toString(36)}${testInfo.retry}`;
    await use((prefix) => `${prefix} ${run}${n++}`);
  },
});

export { expect };

export interface NewBeing {
  name: string;
  type?: string;
  tags?: string;
  energy?: string;
  attributes?: string;
}

/** Creates a being through the /beings form (the page must be open) and returns its soul. */
export async function createBeingInUi(page: Page, being: NewBeing): Promise<string> {
  const panel = page.getByTestId("create-being-panel");
  if (!(await panel.isVisible())) await page.getByTestId("new-being").click();
  await page.getByTestId("being-name").fill(being.name);
  if (being.type !== undefined) await page.getByTestId("being-type").fill(being.type);
  if (being.tags !== undefined) await page.getByTestId("being-tags").fill(being.tags);
  if (being.energy !== undefined) await page.getByTestId("being-energy").fill(being.energy);
  if (being.attributes !== undefined) await page.getByTestId("being-attributes").fill(being.attributes);
  await expect(page.getByTestId("create-being-submit")).toBeEnabled();
  await page.getByTestId("create-being-submit").click();
  const success = page.getByTestId("create-being-success");
  await expect(success).toContainText(being.name);
  const href = await success.getByTestId("create-being-open").getAttribute("href");
  const soul = href?.split("/").pop();
  if (!soul) throw new Error(`the success message links to ${href}, not to a being`);
  return soul;
}

/** Waits until the /beings table shows fresh results for exactly `filters` active filters. */
export async function expectResults(page: Page, filters: number): Promise<void> {
  const results = page.getByTestId("beings-results");
  await expect(results).toHaveAttribute("data-filter-count", String(filters));
  await expect(results).toHaveAttribute("data-state", "ready");
}

/** Narrows the /beings table to names containing `text` and waits until only matches are shown. */
export async function filterByName(page: Page, text: string): Promise<void> {
  await page.getByTestId("filter-name").fill(text);
  await expectResults(page, 1);
  await expect(page.getByTestId("being-row").filter({ hasNotText: text })).toHaveCount(0);
}

/** Adds a relationship on the open being page to the being named `target`. */
export async function addRelationshipInUi(
  page: Page,
  target: string,
  { tags = "", direction = "out" }: { tags?: string; direction?: "out" | "in" } = {},
): Promise<void> {
  await page.getByTestId("add-relationship").click();
  await page.getByTestId(`rel-direction-${direction}`).click();
  await page.getByTestId("rel-target-input").fill(target);
  await page.getByTestId("rel-target-option").filter({ hasText: target }).click();
  await expect(page.getByTestId("rel-target-selected")).toContainText(target);
  if (tags) await page.getByTestId("rel-tags").fill(tags);
  await page.getByTestId("rel-submit").click();
  await expect(page.getByTestId("add-relationship-form")).toHaveCount(0);
}

/**
 * Spawns a being through the /swarm form (with `reasoner` picked when given) and answers its soul
 * once its card shows it running.
 */
export async function spawnInSwarm(
  page: Page,
  name: string,
  { goal = "learn about the swarm", reasoner }: { goal?: string; reasoner?: "openai" | "webllm" } = {},
): Promise<string> {
  await page.getByTestId("spawn-name").fill(name);
  await page.getByTestId("spawn-goal").fill(goal);
  if (reasoner) await page.getByTestId(`spawn-reasoner-${reasoner}`).click();
  await page.getByTestId("spawn-submit").click();
  const being = page.locator('[data-testid="swarm-being"]', { has: page.getByTestId("being-name").getByText(name, { exact: true }) });
  await expect(being).toHaveAttribute("data-phase", "running");
  const soul = await being.getAttribute("data-soul");
  if (!soul) throw new Error(`the card of ${name} has no soul`);
  return soul;
}

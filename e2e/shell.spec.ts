import { CORE_BEINGS } from "../lib/coreBeings";
import { expect, test } from "./fixtures";

test("the shell shows the store and its counts, and every page loads", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("store-kind")).toHaveText(/^(pglite|postgres)$/);
  await expect(page.getByTestId("store-counts")).toContainText("beings");
  await expect(page.getByTestId("core-being-link")).toHaveCount(CORE_BEINGS.length);
  await page.getByTestId("nav-swarm").click();
  await expect(page.getByTestId("swarm-placeholder")).toBeVisible();
  await page.getByTestId("nav-beings").click();
  await expect(page.getByTestId("being-row").first()).toBeVisible();
});

test("when the master does not answer, the page says so and Retry recovers", async ({ page }) => {
  await page.route("**/api/trpc/**", (route) => route.abort("connectionrefused"));
  await page.goto("/beings");
  const error = page.getByTestId("beings-error");
  await expect(error).toContainText("did not answer");
  await expect(page.getByTestId("store-badge-error")).toBeVisible();

  await page.unroute("**/api/trpc/**");
  await error.getByTestId("beings-error-retry").click();
  await expect(page.getByTestId("being-row").first()).toBeVisible();
  await expect(error).toHaveCount(0);
});

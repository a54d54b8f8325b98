import { CORE_BEINGS } from "../lib/coreBeings";
import { expect, test } from "./fixtures";

test("invalid JSON in the create form shows a message and creates nothing", async ({ page, api, unique }) => {
  const name = unique("Broken");
  await page.goto("/beings");
  await page.getByTestId("new-being").click();
  await page.getByTestId("being-name").fill(name);
  const submit = page.getByTestId("create-being-submit");
  await expect(submit).toBeEnabled();

  await page.getByTestId("being-attributes").fill('{"role": "scout",');
  await expect(page.getByTestId("being-attributes-error")).toContainText("Not valid JSON");
  await expect(page.getByTestId("being-attributes")).toHaveAttribute("aria-invalid", "true");
  await expect(submit).toBeDisabled();
  // Enter in a text field submits a form; this one must refuse.
  await page.getByTestId("being-name").press("Enter");

  await page.getByTestId("being-memories").fill("[1, 2]");
  await expect(page.getByTestId("being-memories-error")).toContainText("must be a JSON object");
  await page.getByTestId("being-energy").fill("1.5");
  await expect(page.getByTestId("being-energy-error")).toContainText("whole number");
  await expect(submit).toBeDisabled();

  await expect(page.getByTestId("create-being-success")).toHaveCount(0);
  expect((await api.beings.list.query({ name })).items).toEqual([]);

  // Fixing every field makes it creatable again.
  await page.getByTestId("being-attributes").fill('{"role": "scout"}');
  await page.getByTestId("being-memories").fill("");
  await page.getByTestId("being-energy").fill("1");
  await expect(page.getByTestId("being-attributes-error")).toHaveCount(0);
  await expect(submit).toBeEnabled();
});

test("a core being's page is read-only and says why", async ({ page }) => {
  const base = CORE_BEINGS[0];
  await page.goto(`/beings/${base.soul}`);
  await expect(page.getByTestId("page-title")).toHaveText(base.name);
  await expect(page.getByTestId("core-badge")).toBeVisible();
  await expect(page.getByTestId("core-readonly")).toContainText("cannot be edited or deleted");
  await expect(page.getByTestId("being-genesis-view")).toContainText(base.about);
  await expect(page.getByTestId("relationships-panel")).toBeVisible();
  await expect(page.getByTestId("edit-being")).toHaveCount(0);
  await expect(page.getByTestId("delete-being")).toHaveCount(0);
  await expect(page.getByTestId("add-relationship")).toHaveCount(0);
  await expect(page.getByTestId("relationship-delete")).toHaveCount(0);
});

test("an unknown or malformed soul gets a friendly not-found page", async ({ page }) => {
  await page.goto("/beings/3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f");
  await expect(page.getByTestId("being-not-found")).toContainText("No being lives here");
  await page.goto("/beings/not-a-soul");
  await expect(page.getByTestId("being-not-found")).toContainText("That is not a soul");
  await page.getByRole("link", { name: "Browse beings" }).click();
  await expect(page).toHaveURL(/\/beings$/);
});

import { addRelationshipInUi, createBeingInUi, expect, expectResults, filterByName, test } from "./fixtures";

test("create a being, find it with filters, open it, relate it, and it survives a reload", async ({ page, api, unique }) => {
  const targetName = unique("Target");
  const target = await api.beings.create.mutate({ genesis: { name: targetName, type: "fact" }, tags: ["e2e"] });
  const name = unique("Scout");

  await page.goto("/beings");
  const soul = await createBeingInUi(page, { name, type: "agent", tags: "e2e, scout", energy: "42", attributes: '{"role": "scout", "level": 2}' });

  // Name search, then tags (all) and a JSON containment filter on top.
  await filterByName(page, name);
  await expect(page.getByTestId("being-row")).toHaveCount(1);
  await page.getByTestId("filter-tags").fill("scout, e2e");
  await page.getByTestId("filter-tags-all").click();
  await page.getByTestId("filter-json-toggle").click();
  await page.getByTestId("filter-contains").fill('{"role": "explorer"}');
  await expectResults(page, 3);
  await expect(page.getByTestId("beings-empty")).toBeVisible();
  await page.getByTestId("filter-contains").fill('{"role": "scout"}');
  await expectResults(page, 3);
  const row = page.getByTestId("being-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("tag-chip")).toHaveText(["e2e", "scout"]);
  await expect(row.getByTestId("energy")).toHaveText("42");

  await row.getByTestId("being-link").click();
  await expect(page).toHaveURL(new RegExp(`/beings/${soul}$`));
  await expect(page.getByTestId("page-title")).toHaveText(name);
  await expect(page.getByTestId("being-attributes-view")).toContainText('"role": "scout"');
  await expect(page.getByTestId("relationships-out-empty")).toBeVisible();

  await addRelationshipInUi(page, targetName, { tags: "knows" });
  const out = page.getByTestId("relationships-out").getByTestId("relationship-row");
  await expect(out).toHaveCount(1);
  await expect(out.getByTestId("relationship-other")).toHaveText(targetName);
  await expect(out.getByTestId("tag-chip")).toHaveText("knows");
  await expect(page.getByTestId("neighborhood-graph").locator(`[data-soul="${target.soul}"]`)).toBeVisible();

  await page.reload();
  await expect(page.getByTestId("page-title")).toHaveText(name);
  await expect(out.getByTestId("relationship-other")).toHaveText(targetName);

  // The other end sees it as incoming, and links back.
  await out.getByTestId("relationship-other").click();
  await expect(page.getByTestId("page-title")).toHaveText(targetName);
  const incoming = page.getByTestId("relationships-in").getByTestId("relationship-row");
  await expect(incoming.getByTestId("relationship-other")).toHaveText(name);
});

test("edit sends a merge patch, and delete says what goes with the being", async ({ page, api, unique }) => {
  const name = unique("Editable");
  const being = await api.beings.create.mutate({ genesis: { name }, tags: ["old"], attributes: { keep: 1, drop: { deep: true } } });
  const friend = await api.beings.create.mutate({ genesis: { name: unique("Friend") } });
  await api.relationships.create.mutate({ source_soul: friend.soul, target_soul: being.soul, tags: ["likes"] });

  await page.goto(`/beings/${being.soul}`);
  await page.getByTestId("edit-being").click();
  await expect(page.getByTestId("edit-being-save")).toBeDisabled();
  await page.getByTestId("being-tags").fill("new, shiny");
  await page.getByTestId("being-attributes").fill('{"keep": 1, "added": "yes"}');
  await expect(page.getByTestId("edit-being-changes")).toHaveText("Will change: tags, attributes");
  await page.getByTestId("edit-being-save").click();

  await expect(page.getByTestId("being-details")).toBeVisible();
  await expect(page.getByTestId("being-tags-view").getByTestId("tag-chip")).toHaveText(["new", "shiny"]);
  await expect(page.getByTestId("being-attributes-view")).toContainText('"added": "yes"');
  await expect(page.getByTestId("being-attributes-view")).not.toContainText("drop");
  expect((await api.beings.get.query({ soul: being.soul })).attributes).toEqual({ keep: 1, added: "yes" });

  await page.getByTestId("delete-being").click();
  await expect(page.getByTestId("delete-being-impact")).toContainText("1 relationship goes with it");
  await page.getByTestId("delete-being-dialog-confirm").click();
  await expect(page.getByTestId("being-deleted")).toContainText("1 relationship was deleted with it");
  await expect(api.beings.get.query({ soul: being.soul })).rejects.toThrow(/does not exist/);

  await page.reload();
  await expect(page.getByTestId("being-not-found")).toBeVisible();
});

test("Load more fetches the next page of a filtered list, without repeats", async ({ page, api, unique }) => {
  const tag = unique("batch").replace(/\s+/g, "-");
  await api.beings.createMany.mutate({ beings: Array.from({ length: 30 }, (_, i) => ({ genesis: { name: `Batch ${i}` }, tags: [tag] })) });

  await page.goto("/beings");
  await page.getByTestId("filter-tags").fill(tag);
  await expectResults(page, 1);
  const rows = page.getByTestId("being-row");
  await expect(rows.filter({ hasNotText: tag })).toHaveCount(0);
  await expect(page.getByTestId("beings-shown")).toHaveText("25 beings shown · more available");

  await page.getByTestId("beings-load-more").click();
  await expect(page.getByTestId("beings-shown")).toHaveText("30 beings shown");
  await expect(page.getByTestId("beings-load-more")).toHaveCount(0);
  const souls = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-soul")));
  expect(new Set(souls).size).toBe(30);
});

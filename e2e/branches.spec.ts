import { addRelationshipInUi, expect, test } from "./fixtures";

test("fork the world, experiment in the branch, compare with main, resolve a conflict, merge, and see the result in main", async ({ page, api, unique }) => {
  const name = unique("Ada");
  const ada = await api.beings.create.mutate({ genesis: { name }, energy_level: 10, attributes: { mood: "calm" } });
  const branchName = unique("bolder");

  // Fork from main in the drawn tree.
  await page.goto("/branches");
  await page.getByTestId("fork-open").click();
  await page.getByTestId("fork-name").fill(branchName);
  await page.getByTestId("fork-submit").click();
  await expect(page.getByTestId(`branch-node-${branchName}`)).toBeVisible();
  await expect(page.getByTestId("selected-branch")).toHaveText(branchName);

  // Switch the whole app to the branch: every view says so.
  await page.getByTestId("branch-switch").click();
  await expect(page.getByTestId("branch-banner-name")).toHaveText(branchName);
  await expect(page.getByTestId("branch-switcher")).toHaveValue(/[0-9a-f-]{36}/);

  // The experiment: change Ada in the branch with the ordinary edit form.
  await page.goto(`/beings/${ada.soul}`);
  await expect(page.getByTestId("branch-banner")).toBeVisible();
  await page.getByTestId("edit-being").click();
  await page.getByTestId("being-energy").fill("99");
  await page.getByTestId("edit-being-save").click();
  await expect(page.getByTestId("being-page").getByTestId("energy").first()).toHaveText("99");
  expect((await api.beings.get.query({ soul: ada.soul })).energy_level).toBe(10);

  // Meanwhile main changes Ada too: a conflict the merge must show.
  await api.beings.update.mutate({ soul: ada.soul, attributes: { mood: "tired" } });

  // Compare side by side.
  await page.goto("/branches");
  await expect(page.getByTestId(`kpi-row-${branchName}`).getByTestId("kpi-changed")).toHaveText("1");
  await expect(page.getByTestId("kpi-plot-Tiki spent")).toBeVisible();

  // Merge, resolving the conflict with the branch's version.
  await page.getByTestId(`branch-node-${branchName}`).click();
  await page.getByTestId("branch-merge").click();
  await expect(page.getByTestId("merge-items")).toContainText(name);
  await expect(page.getByTestId(`conflict-${name}`)).toContainText('"mood": "tired"');
  await expect(page.getByTestId("merge-confirm")).toBeDisabled();
  await page.getByTestId(`resolve-${name}-theirs`).check();
  await page.getByTestId("merge-confirm").click();
  await expect(page.getByTestId("merge-dialog")).toBeHidden();

  // Merging the branch the app showed switches it back to main, where the result now is.
  await expect(page.getByTestId("branch-banner")).toBeHidden();
  await expect(page.getByTestId(`branch-node-${branchName}`)).toContainText("merged");
  await page.goto(`/beings/${ada.soul}`);
  await expect(page.getByTestId("being-page").getByTestId("energy").first()).toHaveText("99");
  expect(await api.beings.get.query({ soul: ada.soul })).toMatchObject({ energy_level: 99, attributes: { mood: "calm" } });
});

test("a relationship added in a branch is not in main until the merge", async ({ page, api, unique }) => {
  const [name, friendName, branchName] = [unique("Ada"), unique("Bob"), unique("friends")];
  const ada = await api.beings.create.mutate({ genesis: { name } });
  const bob = await api.beings.create.mutate({ genesis: { name: friendName } });

  await page.goto("/branches");
  await page.getByTestId("fork-open").click();
  await page.getByTestId("fork-name").fill(branchName);
  await page.getByTestId("fork-submit").click();
  await expect(page.getByTestId("selected-branch")).toHaveText(branchName);
  await page.getByTestId("branch-switch").click();
  await expect(page.getByTestId("branch-banner-name")).toHaveText(branchName);

  // Relate the two with the ordinary form, the app switched to the branch.
  await page.goto(`/beings/${ada.soul}`);
  await expect(page.getByTestId("branch-banner")).toBeVisible();
  await addRelationshipInUi(page, friendName, { tags: "befriends" });
  const out = page.getByTestId("relationships-out").getByTestId("relationship-row");
  await expect(out.getByTestId("relationship-other")).toHaveText(friendName);

  const branch = (await api.branches.tree.query()).find((b) => b.name === branchName)!;
  expect((await api.relationships.list.query({ source_soul: ada.soul })).items).toEqual([]);
  expect((await api.relationships.list.query({ source_soul: ada.soul, branch: branch.id })).items.map((r) => [r.target_soul, r.branches])).toEqual([
    [bob.soul, [branch.id]],
  ]);

  // The comparison counts it; the merge dialog lists it; after the merge main has it.
  await page.goto("/branches");
  await expect(page.getByTestId(`kpi-row-${branchName}`).getByTestId("kpi-relationships")).toHaveText("1");
  await page.getByTestId(`branch-node-${branchName}`).click();
  await page.getByTestId("branch-merge").click();
  await expect(page.getByTestId("merge-relationships")).toContainText(`${name} → ${friendName}`);
  await page.getByTestId("merge-confirm").click();
  await expect(page.getByTestId("merge-dialog")).toBeHidden();
  expect((await api.relationships.list.query({ source_soul: ada.soul })).items.map((r) => [r.target_soul, r.tags, r.branches])).toEqual([
    [bob.soul, ["befriends"], ["main"]],
  ]);
});

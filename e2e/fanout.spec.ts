/**
 * Fan-out / fan-in in real being workers (issue 8): from the branches page, each variant runs in a being genesis'd
 * in its own branch and running in this tab (RUN python in the kernel's sandbox pool, REMEMBER in its micro-world,
 * REPORT and spend in its branch); the outputs come side by side; main is untouched until the pick merges one.
 */
import { expect, spawnInSwarm, test } from "./fixtures";

const SHOTS = process.env["E2E_SCREENSHOTS"];

test("a fan-out of two variants runs RUN python and REMEMBER in being workers; main gets only the picked output", async ({ page, api, unique }) => {
  test.setTimeout(180_000);
  await api.beings.create.mutate({ genesis: { name: unique("ticket") }, tags: ["ticket"], attributes: { text: "refund please" } });
  const input = unique("we will refund your payment today");
  const outputsInMain = async () =>
    (await api.beings.list.query({ tags_all: ["output"], limit: 200 })).items.filter((b) => b.attributes["input"] === input).map((b) => b.attributes["output"]);

  await page.goto("/branches");
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm !== undefined)).toBe(true);
  const panel = page.getByTestId("fanout-panel");
  await panel.scrollIntoViewIfNeeded();
  await page.getByTestId("fanout-input").fill(input);
  await expect(page.getByTestId("fanout-program")).toHaveValue(/RUN python/);
  await expect(page.getByTestId("fanout-program")).toHaveValue(/REMEMBER/);
  await page.getByTestId("fanout-run").click();

  const warm = page.getByTestId("fanout-result-warm");
  const terse = page.getByTestId("fanout-result-terse");
  await expect(warm).toBeVisible();
  // Live progress: the being starts, then runs (RUN python waits for a pool sandbox to load Pyodide meanwhile).
  await expect(warm).toHaveAttribute("data-phase", /running|recording|done/, { timeout: 60_000 });
  if (SHOTS) await panel.screenshot({ path: `${SHOTS}/fanout-running.png` });

  // Both outputs, side by side: each variant's personality, the same input, Python's answer.
  await expect(warm).toHaveAttribute("data-phase", "done", { timeout: 120_000 });
  await expect(terse).toHaveAttribute("data-phase", "done", { timeout: 60_000 });
  await expect(warm.getByTestId("fanout-output")).toContainText(`"reply": "Dear friend, ${input}"`);
  await expect(warm.getByTestId("fanout-output")).toContainText('"warmth": 90');
  await expect(terse.getByTestId("fanout-output")).toContainText(`"reply": "FYI: ${input}"`);
  await expect(terse.getByTestId("fanout-output")).toContainText('"warmth": 20');
  await expect(warm.getByTestId("fanout-phase")).toHaveText("passed");
  if (SHOTS) await panel.screenshot({ path: `${SHOTS}/fanout-done.png` });

  // Each variant's being ran in a worker of this tab, in its branch, and REMEMBERed into its own micro-world.
  const variants = await page.evaluate(() =>
    window
      .__luxos!.swarm!.host.list()
      .filter((b) => b.record.branch !== undefined)
      .map((b) => ({ soul: b.soul, branch: b.record.branch! })),
  );
  expect(variants).toHaveLength(2);
  for (const v of variants) {
    const remembered = await page.evaluate(
      async (soul) => (await window.__luxos!.swarm!.host.workerApi(soul)!.query("SELECT count(*) FROM memories WHERE kind = 'lux'")).rows[0]![0],
      v.soul,
    );
    expect(remembered).toBe(1);
    await expect(api.beings.get.query({ soul: v.soul })).rejects.toThrow();
    expect((await api.beings.get.query({ soul: v.soul, branch: v.branch })).tags).toContain("fan-out");
  }

  // The runs' Tiki, RUN python's sandbox time included, are booked to the fan-out's task and each variant's branch.
  const task = ((await page.getByTestId("fanout-task").locator("span").textContent()) ?? "").trim();
  expect(task).toMatch(/^fan-out:/);
  await expect
    .poll(
      async () => {
        const rows = await api.tiki.ledger.query({ task });
        return [...new Set(rows.filter((r) => r.kind === "sandbox").map((r) => r.branch))].sort();
      },
      { timeout: 30_000 },
    )
    .toEqual(variants.map((v) => v.branch).sort());

  // Main is unchanged until fan-in.
  expect(await outputsInMain()).toEqual([]);

  await page.getByTestId("fanout-pick-warm").click();
  await expect(warm).toContainText("Merged: this is the one output of this input.");
  await expect(terse).toContainText("Dropped.");
  expect(await outputsInMain()).toEqual([{ reply: `Dear friend, ${input}`, warmth: 90, tickets_seen: 1 }]);
  // The variants' beings left this tab's swarm; the other branch is dropped.
  await expect.poll(() => page.evaluate(() => window.__luxos!.swarm!.host.list().filter((b) => b.record.branch !== undefined).length)).toBe(0);
  if (SHOTS) await panel.screenshot({ path: `${SHOTS}/fanout-merged.png` });
});

test("a Lux run on a being's page happens in the app's branch, and the panel says which", async ({ page, api, unique }) => {
  const branch = await api.branches.fork.mutate({ name: unique("lux-branch") });
  const kid = unique("kid");
  await page.goto("/");
  await page.evaluate((b) => localStorage.setItem("luxos.branch", JSON.stringify({ id: b.id, name: b.name })), branch);
  await page.goto("/swarm");
  const soul = await spawnInSwarm(page, unique("brancher"));
  await page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`).getByTestId("being-name").click();
  await expect(page.getByTestId("lux-being-state")).toHaveAttribute("data-state", "running");
  await expect(page.getByTestId("lux-editor")).toHaveAttribute("data-phase", "ready");
  await expect(page.getByTestId("lux-branch")).toHaveAttribute("data-branch", branch.id);
  await expect(page.getByTestId("lux-branch-name")).toHaveText(branch.name);

  await page.getByTestId("lux-code").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`SUMMON "${kid}" WITH {personality: "calm"} AS child\nSET output = child.soul`);
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("lux-branch")).toContainText("This run is in branch");
  if (SHOTS) await page.getByTestId("lux-editor-panel").screenshot({ path: `${SHOTS}/lux-in-branch.png` });

  // The SUMMONed child lives in the branch, not in main; its run's Tiki are booked to the branch.
  expect((await api.beings.list.query({ name: kid, branch: branch.id })).items).toHaveLength(1);
  expect((await api.beings.list.query({ name: kid })).items).toHaveLength(0);
  await expect
    .poll(async () => (await api.tiki.ledger.query({ branch: branch.id })).filter((r) => r.kind === "lux" && r.being === soul).length, { timeout: 30_000 })
    .toBe(1);
});

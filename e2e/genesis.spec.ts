/**
 * Genesis in the browser (issue 7): write a function being, run it, evolve it, mutate it, read its
 * lineage and diff, export it and import it in a fresh browser context.
 */
import { readFile } from "node:fs/promises";
import { createBeingInUi, expect, test } from "./fixtures";

const SHOTS = process.env["E2E_SHOTS"];

test("write, run, evolve, mutate, trace and move a function being", async ({ page, browser, unique, baseURL }) => {
  test.setTimeout(120_000);
  const name = unique("Doubler");
  await page.goto("/beings");
  const soul = await createBeingInUi(page, { name, type: "function", attributes: '{"x": 1}' });
  await page.goto(`/beings/${soul}`);

  // A function being without code starts from a template; saving it is version 1.
  const panel = page.getByTestId("genesis-panel");
  const verdict = panel.getByTestId("evolve-verdict");
  await expect(verdict).toHaveAttribute("data-kind", "evolution");
  await panel.getByTestId("evolve-button").click();
  // NOTE: not the text "version 1": the button said "Save as version 1" before the save.
  await expect(verdict).toHaveAttribute("data-kind", "unchanged");
  await expect(panel).toContainText("· version 1 ·");

  // Run it with arguments merged over its attributes.
  await panel.getByTestId("run-kwargs").fill('{"x": 21}');
  await panel.getByTestId("run-button").click();
  await expect(panel.getByTestId("run-value")).toHaveText("42", { timeout: 60_000 });
  await expect(panel.getByTestId("run-stdout")).toContainText(`hello from ${name}`);
  await expect(panel.getByTestId("run-tiki")).toContainText("Tiki");

  // A small addition is an evolution: same being, version 2.
  const editor = panel.getByTestId("code-editor");
  await editor.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("# doubles x\n");
  await expect(verdict).toHaveAttribute("data-kind", "evolution");
  await expect(verdict).toContainText("new version of this being");
  await panel.getByTestId("evolve-message").fill("a note");
  await panel.getByTestId("evolve-button").click();
  await expect(panel).toContainText("version 2");
  await expect(panel.getByTestId("version-list")).toContainText("a note");
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/genesis-evolved.png`, fullPage: true });

  // Changing a line is a mutation: a new being, descended from this one.
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText('def function(x=1, **kwargs):\n    print(f"hello from {self.name}")\n    return x * 3\n# triples x\n');
  await expect(verdict).toHaveAttribute("data-kind", "mutation");
  await expect(verdict).toContainText("creates a new being");
  await panel.getByTestId("mutation-name").fill(`${name} triple`);
  await panel.getByTestId("evolve-button").click();
  await expect(page.getByTestId("page-title")).toHaveText(`${name} triple`);
  const child = page.url().split("/").pop()!;
  expect(child).not.toBe(soul);

  // The lineage shows the mutation; the diff compares the child with the parent version it came from.
  const lineage = page.getByTestId("lineage-svg");
  await expect(lineage.locator(`[data-soul="${soul}"]`)).toBeVisible();
  await expect(lineage.getByTestId("lineage-edge-mutation")).toHaveCount(1);
  await expect(lineage.locator(`[data-soul="${child}"]`).getByTestId("evolution-chain").locator("circle")).toHaveCount(1);
  await expect(lineage.locator(`[data-soul="${soul}"]`).getByTestId("evolution-chain").locator("circle")).toHaveCount(2);
  const diff = page.getByTestId("version-diff");
  await expect(diff.getByTestId("diff-left")).toHaveValue("parent");
  await expect(diff.locator('tr[data-kind="changed"]')).toContainText(["return x * 2"]);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/genesis-mutated.png`, fullPage: true });

  // Export the child, and import it in a fresh browser context (a copy: its soul lives here already).
  const download = page.waitForEvent("download");
  await page.getByTestId("export-being").click();
  const file = await (await download).path();
  const fresh = await browser.newContext({ baseURL });
  const other = await fresh.newPage();
  await other.goto(`/beings/${soul}`);
  await other.getByTestId("import-file").setInputFiles({ name: "being.json", mimeType: "application/json", buffer: await readFile(file) });
  await expect(other.getByTestId("page-title")).toHaveText(`${name} triple`);
  expect(other.url()).not.toContain(child);
  await expect(other.getByTestId("genesis-panel")).toContainText("version 1");
  await expect(other.getByTestId("lineage-svg").getByTestId("lineage-edge-mutation")).toHaveCount(1);
  await fresh.close();
});

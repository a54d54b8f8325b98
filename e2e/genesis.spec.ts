/**
 * Genesis in the browser (issue 7): write a function being, run it, evolve it, mutate it, read its
 * lineage and diff, export it and import it in a fresh browser context.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createBeingInUi, expect, spawnInSwarm, test } from "./fixtures";

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

test("a being moves to a fresh browser with its micro-world and resumes there; a damaged micro-world is refused with nothing written", async ({
  page,
  browser,
  unique,
  baseURL,
  api,
}) => {
  test.setTimeout(180_000);
  const name = unique("Traveller");
  const facts = [`${name} learned that the river floods in spring`, `${name} learned that the bridge closes at night`];
  await page.goto("/swarm");
  const soul = await spawnInSwarm(page, name);
  const card = page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`);
  await card.getByTestId("being-teach-open").click();
  await card.getByTestId("being-teach-input").fill(facts.join("\n"));
  await card.getByTestId("being-teach-submit").click();
  await expect(card.getByTestId("being-teach-result")).toContainText("Learned 2 facts");

  // Export from the being's page while it runs: the file carries its micro-world.
  await card.getByTestId("being-name").click();
  await expect(page.getByTestId("being-page")).toHaveAttribute("data-soul", soul);
  const download = page.waitForEvent("download");
  await page.getByTestId("export-being").click();
  const path = await (await download).path();
  await expect(page.getByTestId("transfer-note")).toContainText("Exported with its micro-world");
  const text = await readFile(path, "utf8");
  const file = JSON.parse(text) as { micro_world: { format: string; bytes: number; sha256: string; data: string } | null };
  expect(file.micro_world).toMatchObject({ format: "sqlite3", encoding: "base64" });

  // A fresh browser context: no OPFS, no swarm. The import restores the micro-world and starts the being there.
  const fresh = await browser.newContext({ baseURL });
  const other = await fresh.newPage();
  await other.goto(`/beings/${soul}`);
  await other.getByTestId("import-file").setInputFiles({ name: "traveller.json", mimeType: "application/json", buffer: Buffer.from(text) });
  // A copy: the soul lives at this master already, so the imported being gets a new one.
  await other.waitForURL((url) => !url.pathname.endsWith(soul));
  await expect(other.getByTestId("page-title")).toHaveText(name);
  const copy = other.url().split("/").pop()!;
  const world = other.getByTestId("micro-world-panel");
  await world.getByTestId("sql-input").fill("SELECT text FROM facts ORDER BY id");
  await world.getByTestId("sql-run").click();
  await expect(world.getByTestId("sql-result")).toContainText(facts[0]!);
  await expect(world.getByTestId("sql-result")).toContainText(facts[1]!);
  await other.getByTestId("nav-swarm").click();
  await expect(other.locator(`[data-testid="swarm-being"][data-soul="${copy}"]`)).toHaveAttribute("data-phase", "running");
  if (SHOTS) await other.screenshot({ path: `${SHOTS}/genesis-migrated.png`, fullPage: true });

  // A micro-world damaged past its header (with a matching checksum, as a careless tool would write it) is refused.
  const before = (await api.beings.list.query({ name, limit: 100 })).items.length;
  const bytes = Buffer.from(file.micro_world!.data, "base64");
  for (let i = 4096; i < bytes.length; i += 7) bytes[i] = 0xa5;
  const damaged = { ...file, micro_world: { ...file.micro_world!, data: bytes.toString("base64"), sha256: createHash("sha256").update(bytes).digest("hex") } };
  await other.goto(`/beings/${soul}`);
  await other.getByTestId("import-file").setInputFiles({ name: "damaged.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(damaged)) });
  await expect(other.getByTestId("transfer-problem")).toContainText("damaged.json was not imported: The micro-world is damaged");
  expect((await api.beings.list.query({ name, limit: 100 })).items.length).toBe(before);
  await fresh.close();
});

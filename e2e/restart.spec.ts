import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { addRelationshipInUi, createBeingInUi, expect, filterByName, test } from "./fixtures";
import { spawnServer, type LuxosServer } from "./spawnServer";

// This spec runs its own server: Playwright's webServer cannot be stopped and started again.
const PORT = Number(process.env["E2E_PORT"] ?? 3100) + 1;
let dataDir = "";
let server: LuxosServer | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "luxos-e2e-restart-"));
});

test.afterAll(() => {
  server?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test("data written through the UI is still there after the server stops and starts again", async ({ page, unique }) => {
  test.setTimeout(300_000);
  const name = unique("Persistent");
  const friend = unique("Companion");

  server = await spawnServer({ port: PORT, dataDir });
  await page.goto(`${server.url}/beings`);
  const soul = await createBeingInUi(page, { name, tags: "durable", energy: "7", attributes: '{"survives": "restart"}' });
  await createBeingInUi(page, { name: friend });
  await page.goto(`${server.url}/beings/${soul}`);
  await addRelationshipInUi(page, friend, { tags: "remembers" });
  await expect(page.getByTestId("relationships-out").getByTestId("relationship-other")).toHaveText(friend);

  expect(await server.stop(), `the server should exit cleanly on SIGTERM:\n${server.output()}`).toBe(0);
  await expect(page.request.get(`${server.url}/api/health`)).rejects.toThrow();

  server = await spawnServer({ port: PORT, dataDir });
  await page.goto(`${server.url}/beings`);
  await filterByName(page, name);
  await expect(page.getByTestId("being-row")).toHaveCount(1);
  await page.getByTestId("being-link").click();
  await expect(page.getByTestId("page-title")).toHaveText(name);
  await expect(page.getByTestId("being-attributes-view")).toContainText('"survives": "restart"');
  await expect(page.getByTestId("being-energy-view")).toHaveText("7");
  const out = page.getByTestId("relationships-out").getByTestId("relationship-row");
  await expect(out.getByTestId("relationship-other")).toHaveText(friend);
  await expect(out.getByTestId("tag-chip")).toHaveText("remembers");

  expect(await server.stop()).toBe(0);
  server = undefined;
});

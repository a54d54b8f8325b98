/**
 * The kernel (issue 7 §4, seed 001): the tab's I/O and CPU queues are beings (IOQueue, CPUQueue) whose depth
 * the page shows live; Lux RUN python and CALL go through them; a full queue says so.
 */
import type { Page } from "@playwright/test";
import { coreSoul } from "../lib/coreBeings";
import { expect, spawnInSwarm, test } from "./fixtures";

const SHOTS = process.env["E2E_SHOTS"];

/** A Python being whose run keeps the CPU busy for `ms`. */
const busy = (soul: string, ms: number) => ({
  soul,
  name: "busy",
  version: 1,
  source: `import time\ndef function():\n    end = time.time() + ${ms / 1000}\n    while time.time() < end:\n        pass\n    return "${soul.slice(-2)}"\n`,
  attributes: {},
  capabilities: [] as [],
});

async function runProgram(page: Page, source: string): Promise<void> {
  await page.getByTestId("lux-code").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(source);
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await page.getByTestId("lux-run").click();
}

test("Lux RUN python and CALL go through the kernel's queue beings, whose numbers the page shows live", async ({ page, unique }) => {
  test.setTimeout(180_000);
  await page.goto("/swarm");
  const panel = page.getByTestId("kernel-panel");
  await expect(panel.getByTestId("queue-io")).toHaveAttribute("data-depth", "0");
  await expect(panel.getByTestId("queue-cpu")).toHaveAttribute("data-done", "0");
  const echo = unique("echo");
  await spawnInSwarm(page, echo);
  const asker = await spawnInSwarm(page, unique("asker"));

  // Client-side navigation keeps the tab (and its kernel) as it is.
  await page.locator(`[data-testid="swarm-being"][data-soul="${asker}"]`).getByTestId("being-name").click();
  await expect(page.getByTestId("lux-being-state")).toHaveAttribute("data-state", "running");
  await runProgram(page, `CALL being "${echo}" WITH {question: "hello"} TIMEOUT 10s AS reply\nRUN python """result = 6 * 7""" AS answer\nSET who = reply.from`);
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "true", { timeout: 90_000 });
  await expect(page.getByTestId("lux-step").nth(1)).toContainText("42");

  await page.getByTestId("nav-swarm").click();
  await expect(panel.getByTestId("queue-io")).toHaveAttribute("data-done", /^[1-9]/);
  await expect(panel.getByTestId("queue-cpu")).toHaveAttribute("data-done", "1");

  // Four beings' runs on a pool of two: two wait, and the CPU queue being shows it while it happens.
  const runs = page.evaluate(
    (beings) => Promise.all(beings.map((b) => window.luxosSandbox!.run(b, { timeLimitMs: 20_000 }))),
    ["a1", "a2", "a3", "a4"].map((tail) => busy(`00000000-0000-4000-8000-0000000000${tail}`, 1_500)),
  );
  await expect(panel.getByTestId("queue-cpu")).toHaveAttribute("data-depth", "2", { timeout: 60_000 });
  await expect(panel.getByTestId("queue-cpu")).toHaveAttribute("data-running", "2");
  await expect(panel.getByTestId("queue-cpu-owners")).toContainText("1 running · 0 waiting");
  if (SHOTS) await panel.screenshot({ path: `${SHOTS}/kernel-busy.png` });
  const outcomes = await runs;
  expect(outcomes.map((o) => o.ok && o.value)).toEqual(["a1", "a2", "a3", "a4"]);
  await expect(panel.getByTestId("queue-cpu")).toHaveAttribute("data-depth", "0");
  await expect(panel.getByTestId("queue-cpu")).toHaveAttribute("data-done", "5");
});

test("one being cannot flood the CPU queue: past its share a run is refused in words, and the others still run", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`/beings/${coreSoul("CPUQueue")}`);
  await expect(page.getByTestId("page-title")).toHaveText("CPUQueue");
  await expect(page.getByTestId("kernel-panel")).toBeVisible();
  await expect.poll(() => page.evaluate(() => typeof window.luxosSandbox)).toBe("object");
  const answers = await page.evaluate(
    async (b) => {
      // Two run, sixteen wait (one being's share); the nineteenth is refused at once.
      const all = Array.from({ length: 19 }, () =>
        window.luxosSandbox!.run(b, { timeLimitMs: 20_000 }).then(
          (o) => (o.ok ? "ran" : `failed: ${o.error.message}`),
          (e: unknown) => `refused: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      return Promise.all(all);
    },
    busy("00000000-0000-4000-8000-0000000000f1", 100),
  );
  expect(answers.filter((a) => a === "ran")).toHaveLength(18);
  expect(answers[18]).toBe(
    "refused: This being already has 16 jobs waiting in the CPU queue, so a Python run was refused: let them finish before asking for more.",
  );
  await expect(page.getByTestId("queue-cpu")).toHaveAttribute("data-done", "18");
  await expect(page.getByTestId("queue-cpu")).toHaveAttribute("data-refused", "1");
});

/**
 * Time travel in a being's own micro-world, and one trace from a Lux run to the master's write (issue 9).
 * Real Chromium, real server, real being worker with its SQLite file on OPFS.
 */
import type { Page } from "@playwright/test";
import { parseTraceparent } from "../lib/events/traceparent";
import { expect, spawnInSwarm, test } from "./fixtures";
import { swarmCard, teachInUi } from "./knowledgeSteps";

/** Whether the facts as they were at the chosen moment include `text`. */
async function heldThen(page: Page, text: string): Promise<boolean> {
  return ((await page.getByTestId("micro-world-rows-facts").textContent()) ?? "").includes(text);
}

/** Moves the micro-world scrubber to `index` and waits for that moment's tables. */
async function scrubTo(page: Page, index: number): Promise<void> {
  await page.getByTestId("micro-world-track").fill(String(index));
  const moment = page.getByTestId("micro-world-moment");
  await expect(moment).toContainText(`Moment ${index + 1} of`);
  // the tables show the moment once it is rebuilt (the last one stays, dimmed, meanwhile)
  await expect(page.getByTestId("micro-world-tables")).toHaveAttribute("data-at", (await moment.getAttribute("data-at"))!);
}

test("a local being's micro-world scrubs back to before a fact it learned, and restores to that moment", async ({ page, unique }) => {
  await page.goto("/swarm");
  const soul = await spawnInSwarm(page, unique("Recorder"));
  const card = swarmCard(page, soul);
  // two lessons, two facts each (the Teach box commits each lesson as one moment)
  const first = `the well behind the mill is dry ${unique("w")}`;
  const second = `the river rose two metres overnight ${unique("r")}`;
  await teachInUi(card, [first, `the miller keeps bees ${unique("b")}`]);
  await teachInUi(card, [second, `the ferry stops at dusk ${unique("f")}`]);

  // a new page load: the tab's swarm brings the being back from its OPFS file, and the timeline finds it local
  await page.goto(`/timeline?being=${soul}`);
  const scrubber = page.getByTestId("micro-world-scrubber");
  await expect(scrubber).toBeVisible({ timeout: 30_000 });
  const facts = page.getByTestId("micro-world-table-facts");
  await expect(page.getByTestId("micro-world-rows-facts")).toContainText(second);

  // find the last moment before the second lesson (once there, it stays: halve the range), where the first is known
  // NOTE: the being learns facts of its own meanwhile (its plans), so the test follows the taught texts, not counts.
  const total = Number(/of (\d+)/.exec((await page.getByTestId("micro-world-moment").textContent()) ?? "")?.[1]);
  let lo = 0;
  let hi = total - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    await scrubTo(page, mid);
    if (await heldThen(page, second)) hi = mid;
    else lo = mid + 1;
  }
  expect(lo).toBeGreaterThan(0);
  await scrubTo(page, lo - 1);
  await expect(page.getByTestId("micro-world-rows-facts")).toContainText(first);
  await expect(page.getByTestId("micro-world-rows-facts")).not.toContainText(second);
  await expect(page.getByTestId("micro-world-diff-facts")).toContainText(`+ since: ${second}`);
  await page.screenshot({ path: test.info().outputPath("micro-world-scrubbed.png"), fullPage: true });

  // restore: the micro-world is as it was then, through new recorded changes; the history keeps the later fact
  await page.getByTestId("restore-micro-world").click();
  await expect(page.getByTestId("micro-world-restored")).toBeVisible();
  await expect(page.getByTestId("micro-world-moment")).toContainText(/Moment (\d+) of \1/);
  await expect(facts.locator("header")).toContainText(/(\d+) then · \1 now/);
  await expect(page.getByTestId("micro-world-rows-facts")).toContainText(first);
  await expect(page.getByTestId("micro-world-rows-facts")).not.toContainText(second);
  const after = Number(/of (\d+)/.exec((await page.getByTestId("micro-world-moment").textContent()) ?? "")?.[1]);
  // walking back from now (the being writes on meanwhile), the moment before the restore still holds the later fact
  let back = after - 1;
  for (; back > after - 30; back--) {
    await scrubTo(page, back);
    if (await heldThen(page, second)) break;
  }
  await expect(page.getByTestId("micro-world-rows-facts")).toContainText(second);
  await expect(page.getByTestId("micro-world-diff-facts")).toContainText("− gone now");
  await page.screenshot({ path: test.info().outputPath("micro-world-restored.png"), fullPage: true });
});

test("a being that does not run in this tab says its micro-world is elsewhere", async ({ page, api, unique }) => {
  const { soul } = await api.beings.create.mutate({ genesis: { name: unique("Elsewhere") } });
  await page.goto(`/timeline?being=${soul}`);
  await expect(page.getByTestId("micro-world-not-local")).toContainText("not running in this browser tab");
});

test("a Lux run's master write joins the run's trace, and the waterfall shows it", async ({ page, api, unique }) => {
  await page.goto("/swarm");
  const soul = await spawnInSwarm(page, unique("Summoner"));
  await page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`).getByTestId("being-name").click();
  await expect(page.getByTestId("lux-being-state")).toHaveAttribute("data-state", "running");
  await expect(page.getByTestId("lux-editor")).toHaveAttribute("data-phase", "ready");
  const child = unique("helper");
  await page.getByTestId("lux-code").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`SUMMON "${child}" WITH {program: ""} AS worker`);
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "true");
  const traceid = /trace ([0-9a-f]{32})/.exec((await page.getByTestId("lux-result").textContent()) ?? "")?.[1];
  expect(traceid).toBeDefined();

  // the run's events reach the master through the sync loop; the child's creation recorded the run's trace
  const [created] = (await api.beings.list.query({ name: child })).items;
  expect(created).toBeDefined();
  await expect
    .poll(async () => (await api.timeline.trace.query({ trace: traceid! })).writes.map((w) => [w.soul, w.op]), { timeout: 30_000 })
    .toContainEqual([created!.soul, "I"]);
  const { items, writes } = await api.timeline.trace.query({ trace: traceid! });
  const call = items.find((i) => i.event.type === "lux.master_call" && i.event.data["path"] === "beings.create")!.event;
  const write = writes.find((w) => w.soul === created!.soul)!;
  expect(parseTraceparent(write.traceparent)).toEqual({ traceid, spanid: call.spanid });

  await page.goto(`/timeline?trace=${traceid}`);
  const waterfall = page.getByTestId("trace-waterfall");
  await expect(waterfall).toContainText("lux.start");
  await expect(waterfall).toContainText("lux.master_call");
  await expect(waterfall).toContainText("master.write");
  await waterfall.screenshot({ path: test.info().outputPath("trace-with-master-write.png") });
});

import { createEvent, traceOf } from "../lib/events";
import { expect, test } from "./fixtures";

test("the timeline draws a being's events and trace, scrubs its record back, restores it, and tails live", async ({ page, api, unique }) => {
  const name = unique("Chronicle");
  const being = await api.beings.create.mutate({ genesis: { name }, attributes: { mood: "calm" }, energy_level: 10 });
  await api.beings.update.mutate({ soul: being.soul, attributes: { mood: "busy" }, energy_level: 40 });
  await api.beings.update.mutate({ soul: being.soul, attributes: { mood: "tired", chores: 3 } });

  const decision = createEvent({
    type: "being.decision",
    source: being.soul,
    data: {
      layer: "supervision",
      decision: "tidy the garden",
      rationale: "the goal is overdue",
      alternatives: [{ option: "rest", reason: "tired" }],
      confidence: 0.8,
    },
  });
  const step = createEvent({ type: "lux.step", source: being.soul, trace: traceOf(decision), data: { line: 2, duration_ms: 30 } });
  const call = createEvent({ type: "sandbox.call", source: being.soul, trace: traceOf(step), data: { fn: "plan", duration_ms: 12 } });
  await api.events.push.mutate({ events: [decision, step, call] });

  await page.goto(`/timeline?being=${being.soul}`);
  await expect(page.getByTestId("page-title")).toHaveText("Timeline");
  const events = page.getByTestId("timeline-events");
  await expect(events).toContainText("tidy the garden");
  await expect(page.getByTestId("event-strip").locator("circle")).toHaveCount(3);

  // the trace: a decision, the Lux step it triggered, the sandbox call under that
  await events.getByText("tidy the garden").click();
  await expect(page.getByTestId("waterfall-span")).toHaveCount(3);
  await expect(page.getByTestId("trace-waterfall")).toContainText("sandbox.call");

  // scrub back to the first version: the record as created, and what differs from now
  const scrubber = page.getByTestId("replay-scrubber");
  await expect(page.getByTestId("replay-moment")).toContainText("Version 3 of 3");
  await scrubber.fill("0");
  await expect(page.getByTestId("replay-moment")).toContainText("Version 1 of 3");
  await expect(page.getByTestId("replay-record")).toContainText('"mood": "calm"');
  const diff = page.getByTestId("diff-table");
  await expect(diff.getByRole("row", { name: /attributes\.mood/ })).toContainText("calm");
  await expect(diff.getByRole("row", { name: /attributes\.mood/ })).toContainText("tired");
  await page.screenshot({ path: test.info().outputPath("timeline-scrubbed.png"), fullPage: true });

  // restore: the being is as it was, as a fourth version; the history keeps the other three
  await page.getByTestId("restore-being").click();
  await expect(page.getByTestId("restore-done")).toBeVisible();
  await expect(page.getByTestId("replay-moment")).toContainText("of 4");
  const restored = await api.beings.get.query({ soul: being.soul });
  expect(restored.attributes).toEqual({ mood: "calm" });
  expect(restored.energy_level).toBe(10);
  await expect(events).toContainText("master.restore");

  // the live tail: an event pushed now shows up without a reload
  const late = createEvent({ type: "being.message", source: being.soul, data: { to: "master", text: "back to calm" } });
  await api.events.push.mutate({ events: [late] });
  await expect(events).toContainText("back to calm");
});

test("a room scrubs back to an earlier board, and its retention policy is set and shown", async ({ page, api, unique }) => {
  const room = await api.rooms.create.mutate({ name: unique("Workshop"), owner: "ada" });
  await api.rooms.postMission.mutate({ room: room.id, title: "Map the garden", brief: "every bed" });
  await api.rooms.postMission.mutate({ room: room.id, title: "Water the roses" });

  await page.goto(`/timeline?room=${room.id}`);
  const scrubber = page.getByTestId("room-scrubber");
  await expect(scrubber.getByTestId("replay-moment")).toContainText(/Update (\d+) of \1/);
  const missions = page.getByTestId("room-stat-missions");
  await expect(missions).toHaveText("2");
  await scrubber.getByTestId("replay-scrubber").fill("0");
  await expect(missions).toHaveText("1");
  await expect(page.getByTestId("diff-table")).toContainText("Water the roses");

  const retention = page.getByTestId("room-retention");
  await expect(retention).toContainText("No policy");
  await retention.getByLabel("Days to keep hot").fill("30");
  await retention.getByRole("button", { name: "Keep this many days hot" }).click();
  await expect(retention).toContainText("Keeps 30 days hot");
  await page.screenshot({ path: test.info().outputPath("timeline-room.png"), fullPage: true });
});

test("the scrubber shows a being as a branch saw it and the relationships it had, and restore brings a deleted one back", async ({ page, api, unique }) => {
  const being = await api.beings.create.mutate({ genesis: { name: unique("Wanderer") }, energy_level: 5 });
  const peer = await api.beings.create.mutate({ genesis: { name: unique("Friend") } });
  const rel = await api.relationships.create.mutate({ source_soul: being.soul, target_soul: peer.soul, tags: ["knows"], energy_level: 3 });
  const branch = await api.branches.fork.mutate({ name: unique("What if") });
  await api.beings.update.mutate({ soul: being.soul, branch: branch.id, energy_level: 77 });
  await api.relationships.delete.mutate({ id: rel.id });

  await page.goto(`/timeline?being=${being.soul}`);
  const moment = page.getByTestId("replay-moment");
  // created, the relationship created, the branch's version (copied, then changed), the relationship deleted
  await expect(moment).toContainText("Version 5 of 5");
  await expect(page.getByTestId("replay-change")).toContainText("relationship deleted →");
  await expect(page.getByTestId("relationships-none")).toBeVisible();

  // as the branch sees it now: its own version of the being
  await page.getByTestId("replay-branch").selectOption(branch.id);
  await expect(page.getByTestId("replay-record")).toContainText('"energy_level": 77');
  await page.getByTestId("replay-branch").selectOption("main");
  await expect(page.getByTestId("replay-record")).toContainText('"energy_level": 5');

  // back to when the relationship was made: it was there, and is gone now
  await page.getByTestId("replay-scrubber").fill("1");
  await expect(moment).toContainText("Version 2 of 5");
  await expect(page.getByTestId("replay-change")).toContainText("relationship created →");
  const row = page.getByTestId("relationship-row");
  await expect(row).toHaveAttribute("data-status", "gone since");
  await expect(row).toContainText("knows");
  await page.screenshot({ path: test.info().outputPath("timeline-relationships.png"), fullPage: true });

  await page.getByTestId("restore-being").click();
  await expect(page.getByTestId("restore-done")).toContainText("1 back");
  expect((await api.relationships.get.query({ id: rel.id })).tags).toEqual(["knows"]);
  // the history keeps the deletion; the restore is one more change
  await expect(moment).toContainText("of 6");
});

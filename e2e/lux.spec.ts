/**
 * Lux in the editor (issue 4): type a program with a typo, see the error inline, fix it, run it in the
 * being's worker, see the trace with its costs, and the reported facts reach the master through the
 * being's outbox and sync loop. Real Chromium, real server, real worker.
 */
import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, spawnInSwarm, test } from "./fixtures";

const TYPO_PROGRAM = `SET tickets = ["I was charged twice for one order", "the app crashes when I upload a photo"]
SET known = [{text: "refund my payment, I was billed twice", label: "billing"}, {text: "the app crashes and freezes when I upload a file", label: "bug"}]
EMBDE tickets AS docs
CLASSIFY docs INTO ["billing", "bug"] USING known AS labels
FOR EACH label IN labels
  REPORT "lux e2e: a ticket about " + label TO master
END`;

/** Screenshots for people to look at, when LUX_SHOTS names a folder. */
async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env["LUX_SHOTS"];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.getByTestId("lux-editor-panel").screenshot({ path: `${dir}/${name}.png` });
}

async function openEditor(page: Page, name: string, others: readonly string[] = []): Promise<string> {
  await page.goto("/swarm");
  await expect(page.getByTestId("spawn-submit")).toBeVisible();
  for (const other of others) await spawnInSwarm(page, other);
  const soul = await spawnInSwarm(page, name);
  // client-side navigation: the tab's swarm host (and the being's worker) stay as they are
  await page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`).getByTestId("being-name").click();
  await expect(page.getByTestId("being-page")).toHaveAttribute("data-soul", soul);
  await expect(page.getByTestId("lux-being-state")).toHaveAttribute("data-state", "running");
  await expect(page.getByTestId("lux-editor")).toHaveAttribute("data-phase", "ready");
  return soul;
}

async function replaceProgram(page: Page, source: string): Promise<void> {
  await page.getByTestId("lux-code").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  // NOTE: insertText, not type: the editor closes brackets and quotes as a person types them.
  await page.keyboard.insertText(source);
}

test("a typo shows inline, the fixed program runs in the being with a trace, and its reports reach the master", async ({ page, unique, api }) => {
  const soul = await openEditor(page, unique("lux-e2e"));

  await replaceProgram(page, TYPO_PROGRAM);
  const diagnostic = page.getByTestId("lux-diagnostic");
  await expect(diagnostic).toHaveCount(1);
  await expect(diagnostic).toContainText("3:1 unknown statement EMBDE — did you mean EMBED?");
  await expect(page.locator(".cm-lintRange-error")).toHaveText("EMBDE");
  await expect(page.getByTestId("lux-run")).toBeDisabled();
  await page.locator(".cm-lintRange-error").hover();
  await expect(page.locator(".cm-tooltip-lint")).toContainText("unknown statement EMBDE — did you mean EMBED?");
  await shot(page, "lux-inline-error");

  // fix it the way a person would: select the word and type over it
  await page.locator(".cm-lintRange-error").dblclick();
  await page.keyboard.type("EMBED");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await expect(page.locator(".cm-lintRange-error")).toHaveCount(0);

  await page.getByTestId("lux-run").click();
  const result = page.getByTestId("lux-result");
  await expect(result).toHaveAttribute("data-ok", "true");
  const steps = page.getByTestId("lux-step");
  await expect(steps).toHaveCount(7);
  await expect(steps.nth(2)).toHaveAttribute("data-statement", "EMBED");
  await expect(steps.nth(3)).toContainText('["billing","bug"]');
  // a REPORT costs one master call (lib/tiki.ts: 50 Tiki), and the running total adds up
  await expect(steps.nth(5).locator("td").nth(4)).toHaveText("50");
  await expect(page.getByTestId("lux-spend-plot")).toBeVisible();
  // the facts go through the being's outbox; the panel shows them arrive at the master
  const reported = page.getByTestId("lux-reported-fact");
  await expect(reported).toHaveCount(2);
  await expect(reported.nth(0)).toContainText("lux e2e: a ticket about billing");
  await expect(reported.nth(1)).toContainText("lux e2e: a ticket about bug");
  await expect(page.getByTestId("lux-reported")).toHaveAttribute("data-at-master", "2");
  await shot(page, "lux-trace");

  // they are in the being's micro-world, and the master holds them with the being as their source
  const facts = await page.evaluate(
    async (s) => (await window.__luxos!.swarm!.host.workerApi(s)!.query("SELECT text FROM facts WHERE source = 'lux' ORDER BY id")).rows.map((r) => r[0]),
    soul,
  );
  expect(facts).toEqual(["lux e2e: a ticket about billing", "lux e2e: a ticket about bug"]);
  for (const text of facts as string[]) {
    const answer = await api.knowledge.ask.query({ text, k: 1, compose: false, sources: [soul] });
    expect(answer.hits[0]?.similarity).toBeGreaterThan(0.92);
    expect(answer.hits[0]?.sources.map((s) => s.soul)).toContain(soul);
  }

  // saving keeps the program with the being
  await page.getByTestId("lux-save").click();
  await expect(page.getByTestId("lux-saved")).toHaveText("Saved to the being");
  const record = await api.beings.get.query({ soul });
  expect(record.attributes["program"]).toContain("EMBED tickets AS docs");
});

test("a run over its budget stops at the step that could not pay, naming the spend, and the master's ledger holds what it spent", async ({
  page,
  unique,
  api,
}) => {
  const soul = await openEditor(page, unique("lux-budget"));
  await replaceProgram(page, 'SET n = 1\nREPORT "lux e2e: too dear" TO master');
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await page.getByTestId("lux-budget").fill("20");
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "false");
  await expect(page.getByTestId("lux-error")).toHaveAttribute("data-reason", "over_budget");
  await expect(page.getByTestId("lux-error")).toContainText("REPORT on line 2 costs 50 Tiki (master_call 50) but only 19 of 20 remain (1 spent)");
  await expect(page.getByTestId("lux-step")).toHaveCount(1);
  // the being books the run's spend in its micro-world, and its sync loop reports it to the master's Tiki ledger once
  const booked = async () =>
    (await api.tiki.ledger.query({ being: soul }))
      .filter((r) => r.kind === "lux")
      .map((r) => ({ task: r.task?.startsWith("lux-run:"), tiki: r.tiki, ok: r.ok, detail: r.detail }));
  await expect
    .poll(booked, { timeout: 20_000 })
    .toEqual([{ task: true, tiki: 1, ok: false, detail: { steps: 1, budget: 20, spent: 1, error: "over_budget" } }]);
});

test("CALL asks another being running in this tab, and says plainly when the being is not here", async ({ page, unique }) => {
  const scout = unique("scout");
  await openEditor(page, unique("asker"), [scout]);
  await replaceProgram(page, `CALL being "${scout}" WITH {question: "what are you planning?"} TIMEOUT 10s AS reply\nSET who = reply.from`);
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("lux-step").nth(0)).toHaveAttribute("data-statement", "CALL");
  await expect(page.getByTestId("lux-step").nth(0)).toContainText(`"from":"${scout}"`);
  await expect(page.getByTestId("lux-step").nth(0).locator("td").nth(4)).toHaveText("100");

  await replaceProgram(page, 'CALL being "nobody-here" WITH "hello" AS reply');
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-error")).toContainText('CALL on line 1: no being named "nobody-here" runs in this tab\'s swarm');
});

test("RUN python runs in the being's own sandbox, and a runaway snippet is stopped while the being lives on", async ({ page, unique }) => {
  test.setTimeout(150_000);
  await openEditor(page, unique("lux-python"));
  await replaceProgram(page, 'RUN python """\n  import statistics\n  result = statistics.mean([2, 4, 9])\n""" AS mean\nSET doubled = mean + mean');
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await page.getByTestId("lux-run").click();
  // NOTE: the first RUN loads Pyodide in the being's sandbox worker: seconds on a quiet machine, more on a busy one.
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "true", { timeout: 90_000 });
  await expect(page.getByTestId("lux-step").nth(0)).toHaveAttribute("data-statement", "RUN");
  await expect(page.getByTestId("lux-step").nth(0)).toContainText("5");

  await replaceProgram(page, 'RUN python """\nwhile True:\n    pass\n""" AS never');
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "false", { timeout: 30_000 });
  await expect(page.getByTestId("lux-error")).toContainText("RUN on line 1: Python raised");
  // the being's worker survived its sandbox: it still runs, and the next snippet gets a fresh sandbox
  await expect(page.getByTestId("lux-being-state")).toHaveAttribute("data-state", "running");
  await replaceProgram(page, 'RUN python """print("still here")""" AS said');
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-result")).toHaveAttribute("data-ok", "true", { timeout: 90_000 });
  await expect(page.getByTestId("lux-step").nth(0)).toContainText("still here");
});

test("Stop interrupts a run before its next step", async ({ page, unique }) => {
  await openEditor(page, unique("lux-stop"));
  await replaceProgram(page, 'EMIT "lux.waiting"\nWAIT 60s\nREPORT "lux e2e: never sent" TO master');
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await page.getByTestId("lux-run").click();
  await expect(page.getByTestId("lux-stop")).toBeEnabled();
  await page.getByTestId("lux-stop").click();
  await expect(page.getByTestId("lux-error")).toHaveAttribute("data-reason", "interrupted");
  await expect(page.getByTestId("lux-error")).toContainText("WAIT on line 2: the run was interrupted");
  await expect(page.getByTestId("lux-run")).toBeEnabled();
});

test("a being that does not run in this browser can be edited and saved, and says why it cannot run", async ({ page, api, unique }) => {
  const { soul } = await api.beings.create.mutate({ genesis: { name: unique("lux-elsewhere") } });
  await page.goto(`/beings/${soul}`);
  await expect(page.getByTestId("lux-being-state")).toHaveAttribute("data-state", "absent");
  await expect(page.getByTestId("lux-editor")).toHaveAttribute("data-phase", "ready");
  await replaceProgram(page, 'REPORT "kept for later" TO master');
  await expect(page.getByTestId("lux-diagnostics")).toHaveAttribute("data-count", "0");
  await expect(page.getByTestId("lux-run")).toBeDisabled();
  await page.getByTestId("lux-save").click();
  await expect(page.getByTestId("lux-saved")).toHaveText("Saved to the being");
  await page.reload();
  await expect(page.getByTestId("lux-editor")).toHaveAttribute("data-phase", "ready");
  await expect(page.getByTestId("lux-code")).toHaveText('REPORT "kept for later" TO master');
});

/**
 * Exactly once under failure (issue 5): a being's outbox survives the master being killed in the
 * middle of a sync, three times over; a batch sent twice changes nothing and answers the same.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createEvent } from "../lib/events";
import { LEARNED_EVENT_TYPE } from "../lib/knowledge/contract";
import { createApi, expect, spawnInSwarm, test } from "./fixtures";
import { distinctFacts, expectExactlyOnce, masterFacts, swarmCard, syncOf, teachInUi } from "./knowledgeSteps";
import { spawnServer, type LuxosServer } from "./spawnServer";

// Its own server (killed and started again on the same data): Playwright's webServer cannot be.
const PORT = Number(process.env["E2E_PORT"] ?? 3100) + 1;
const ROUNDS = 3;
// NOTE: small: on a loaded 2-core machine the master stores a few facts per second, and more as the store grows.
const PER_ROUND = 60;
let dataDir = "";
let server: LuxosServer | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "luxos-e2e-sync-"));
});

test.afterAll(() => {
  server?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test("the master is killed three times in the middle of a sync: nothing lost, nothing doubled", async ({ page, unique }) => {
  test.setTimeout(1_200_000);
  server = await spawnServer({ port: PORT, dataDir });
  await page.goto(`${server.url}/swarm`);
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm !== undefined)).toBe(true);
  const soul = await spawnInSwarm(page, unique("Survivor"));
  const card = swarmCard(page, soul);
  const marker = unique("kill").replaceAll(" ", "-");
  const taught: string[] = [];

  for (let round = 0; round < ROUNDS; round++) {
    // The master is down: the being learns, its outbox fills, the loop backs off.
    server.kill();
    const facts = distinctFacts(marker, PER_ROUND, taught.length);
    taught.push(...facts);
    await teachInUi(card, facts);
    await expect.poll(async () => (await syncOf(card)).state).toBe("retrying");
    const before = await syncOf(card);
    expect(before.depth).toBeGreaterThanOrEqual(PER_ROUND);

    // Back up; Retry now skips the backoff; while the push is in flight (the master may be halfway through
    // storing it, or done with the answer not yet out), SIGKILL.
    server = await spawnServer({ port: PORT, dataDir });
    await card
      .getByTestId("being-sync-retry")
      .click({ timeout: 30_000 })
      .catch(() => undefined);
    await expect
      .poll(
        async () => {
          const now = await syncOf(card);
          return now.state === "sending" || now.sent > before.sent;
        },
        { timeout: 180_000, intervals: [50] },
      )
      .toBe(true);
    await page.waitForTimeout(200 + round * 400);
    server.kill();
  }

  server = await spawnServer({ port: PORT, dataDir });
  const master = createApi(server.url);
  await card
    .getByTestId("being-sync-retry")
    .click({ timeout: 30_000 })
    .catch(() => undefined);
  await expect.poll(async () => (await masterFacts(master, marker)).length, { timeout: 420_000, intervals: [2_000] }).toBe(taught.length);
  expectExactlyOnce(await masterFacts(master, marker), taught, soul);
  await expect.poll(async () => (await syncOf(card)).depth, { timeout: 180_000 }).toBeLessThan(50);
  expect(await server.stop()).toBe(0);
  server = undefined;
});

test("the same batch sent twice, in turn and at once: the same acknowledgements, no duplicates", async ({ api, unique }) => {
  const { soul } = await api.beings.create.mutate({ genesis: { name: unique("Replayer") }, tags: ["e2e"] });
  const marker = unique("replay").replaceAll(" ", "-");
  const facts = distinctFacts(marker, 5);
  const events = [
    ...facts.map((text) => createEvent({ type: LEARNED_EVENT_TYPE, source: soul, data: { text, confidence: 0.8 } })),
    createEvent({
      type: "being.decision",
      source: soul,
      data: { layer: "reflex", decision: "wave", rationale: "a replay test", alternatives: [], confidence: 1 },
    }),
  ];
  const first = await api.events.push.mutate({ events });
  expect(first.acks.map((a) => a.id)).toEqual(events.map((e) => e.id));
  const again = await api.events.push.mutate({ events });
  expect(again.acks).toEqual(first.acks);
  const [x, y] = await Promise.all([api.events.push.mutate({ events }), api.events.push.mutate({ events })]);
  expect(x.acks).toEqual(first.acks);
  expect(y.acks).toEqual(first.acks);
  // A batch half old, half new: the old keep their sequence numbers, the new get later ones.
  const freshFacts = distinctFacts(marker, 2, 5);
  const fresh = freshFacts.map((text) => createEvent({ type: LEARNED_EVENT_TYPE, source: soul, data: { text } }));
  const mixed = await api.events.push.mutate({ events: [...events.slice(0, 3), ...fresh] });
  expect(mixed.acks.slice(0, 3)).toEqual(first.acks.slice(0, 3));
  const maxFirst = Math.max(...first.acks.map((a) => a.seq));
  for (const ack of mixed.acks.slice(3)) expect(ack.seq).toBeGreaterThan(maxFirst);

  expectExactlyOnce(await masterFacts(api, marker), [...facts, ...freshFacts], soul);
});

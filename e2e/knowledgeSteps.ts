/**
 * Steps the store-and-forward specs share: facts unlike each other (so the master's near-duplicate
 * merge never joins two of them), teaching them through a being's card, reading its outbox
 * indicator, and counting what the master holds.
 */
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import type { PulledFact } from "../lib/knowledge/contract";
import { expect, type Api } from "./fixtures";

/** `n` facts that all carry `marker` and otherwise share nothing (random words, so cosine stays far below the merge threshold). */
export function distinctFacts(marker: string, n: number, offset = 0): string[] {
  const word = () => randomBytes(5).toString("hex");
  return Array.from({ length: n }, (_, i) => `${marker} fact ${offset + i}: ${word()} ${word()} ${word()} ${word()}`);
}

export function swarmCard(page: Page, soul: string): Locator {
  return page.locator(`[data-testid="swarm-being"][data-soul="${soul}"]`);
}

/** Teaches `facts` through the card's Teach box and waits until the being says it learned them. */
export async function teachInUi(card: Locator, facts: readonly string[]): Promise<void> {
  if (!(await card.getByTestId("being-teach-input").isVisible())) await card.getByTestId("being-teach-open").click();
  await card.getByTestId("being-teach-input").fill(facts.join("\n"));
  await card.getByTestId("being-teach-submit").click();
  await expect(card.getByTestId("being-teach-result")).toContainText(`Learned ${facts.length.toLocaleString("en")} facts`);
}

/** The card's outbox indicator as numbers. */
export async function syncOf(card: Locator): Promise<{ state: string; depth: number; sent: number; lastSync: number | null }> {
  const el = card.getByTestId("being-sync");
  const [state, depth, sent, lastSync] = await Promise.all(["data-state", "data-depth", "data-sent", "data-last-sync"].map((a) => el.getAttribute(a)));
  return { state: state ?? "", depth: Number(depth), sent: Number(sent), lastSync: lastSync ? Number(lastSync) : null };
}

/** Every fact at the master whose text carries `marker`, read through `knowledge.pull` page by page. */
export async function masterFacts(api: Api, marker: string): Promise<PulledFact[]> {
  const found: PulledFact[] = [];
  let since: string | null = null;
  for (;;) {
    const page = await withRetries(() => api.knowledge.pull.query({ since, limit: 1000 }));
    found.push(...page.facts.filter((f) => f.text.includes(marker)));
    if (page.done || page.cursor === null || page.cursor === since) return found;
    since = page.cursor;
  }
}

/**
 * A call that a busy master may drop (PGlite works on the server's one thread: a big ingest can hold
 * a kept-alive socket past its timeout, and the client sees ECONNRESET). Tried a few times.
 */
async function withRetries<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= attempts || !/fetch failed|ECONNRESET|socket hang up/i.test(String(error) + String((error as { cause?: unknown }).cause))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * i));
    }
  }
}

/**
 * Asserts the master holds each of `facts` exactly once, taught by `soul`, corroborated once
 * (nothing counted twice), and nothing else with the marker.
 */
export function expectExactlyOnce(held: readonly PulledFact[], facts: readonly string[], soul: string): void {
  const texts = held.map((f) => f.text);
  const duplicates = texts.filter((t, i) => texts.indexOf(t) !== i);
  expect(duplicates, "facts the master holds twice").toEqual([]);
  const missing = facts.filter((t) => !texts.includes(t));
  expect(missing, "facts the master never got").toEqual([]);
  expect(held).toHaveLength(facts.length);
  for (const fact of held) {
    expect(fact.sources, fact.text).toEqual([soul]);
    expect(fact.corroboration, fact.text).toBe(1);
  }
}

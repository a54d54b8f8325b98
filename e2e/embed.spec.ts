/**
 * The embedder gives the same vector in a being's worker (Chromium) and on the server (Node), bit
 * for bit (issue 3, items 6 and 8): a fact embedded in a micro-world can be compared with one the
 * master embedded.
 */
import { hashEmbed } from "../lib/embed";
import { EMBEDDING_DIMENSIONS } from "../lib/constants";
import { expect, test } from "./fixtures";

const TEXTS = [
  "The master stores knowledge in Postgres with pgvector.",
  "Crème brûlée, naïve café, Ångström — and ＦＵＬＬＷＩＤＴＨ letters",
  "Beings 🤖🧠 dream of 🐑 electric sheep 👩🏽‍🚀",
  "量子计算是什么？ 東京の天気 한국어 문장",
  "",
  "   ...!!!   ",
  "don't  DON’T dont",
  "a".repeat(5000),
];

/** The float32 bits of a vector, so a difference in the last bit shows (and -0 differs from 0). */
function bits(vector: readonly number[]): string[] {
  const view = new DataView(new ArrayBuffer(4));
  return vector.map((x) => {
    view.setFloat32(0, x);
    return view.getUint32(0).toString(16).padStart(8, "0");
  });
}

test("hashEmbed gives the same float32 bits in a being's worker as in Node", async ({ page }) => {
  await page.goto("/swarm");
  await expect.poll(() => page.evaluate(() => window.__luxos?.swarm !== undefined)).toBe(true);
  const inWorker = await page.evaluate((texts) => window.__luxos!.swarm!.embed(texts), TEXTS);

  expect(inWorker).toHaveLength(TEXTS.length);
  TEXTS.forEach((text, i) => {
    const node = Array.from(hashEmbed(text));
    const worker = inWorker[i]!;
    expect(worker, `the vector of ${JSON.stringify(text.slice(0, 40))}`).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(bits(worker), `the bits of ${JSON.stringify(text.slice(0, 40))}`).toEqual(bits(node));
  });
  // Not vacuous: texts with words give unit vectors, the empty and punctuation-only ones the zero vector.
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  expect(norm(inWorker[0]!)).toBeCloseTo(1, 5);
  expect(norm(inWorker[3]!)).toBeCloseTo(1, 5);
  expect(norm(inWorker[4]!)).toBe(0);
  expect(norm(inWorker[5]!)).toBe(0);
});

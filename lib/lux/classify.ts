import { cosine, hashEmbed } from "../embed";
import { KNN_K } from "./constants";
import type { LabelledExample } from "./LuxHost";

/**
 * k-nearest neighbours by cosine of the hash embedding: the `k` most similar examples vote, each with its
 * similarity; the label with the most weight wins, ties going to the single closest example.
 * Returns null when no example carries one of `labels`.
 */
export function nearestLabel(
  vector: Float32Array,
  labels: readonly string[],
  examples: readonly LabelledExample[],
  embed: (text: string) => Float32Array = hashEmbed,
  k = KNN_K,
): { label: string; score: number } | null {
  const allowed = new Set(labels);
  const scored = examples.filter((e) => allowed.has(e.label)).map((e) => ({ label: e.label, score: cosine(vector, embed(e.text)) }));
  if (scored.length === 0) return null;
  scored.sort((a, b) => b.score - a.score);
  const votes = new Map<string, { weight: number; best: number }>();
  for (const { label, score } of scored.slice(0, k)) {
    const v = votes.get(label) ?? { weight: 0, best: -Infinity };
    votes.set(label, { weight: v.weight + Math.max(0, score), best: Math.max(v.best, score) });
  }
  let winner: { label: string; weight: number; best: number } | null = null;
  for (const [label, v] of votes) {
    if (!winner || v.weight > winner.weight || (v.weight === winner.weight && v.best > winner.best)) winner = { label, ...v };
  }
  return { label: winner!.label, score: winner!.best };
}

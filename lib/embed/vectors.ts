/** Vector helpers shared by every embedder. */

/**
 * Cosine similarity in [-1, 1]. A zero vector is similar to nothing: the answer is 0.
 * Throws a RangeError when the lengths differ.
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare vectors of ${a.length} and ${b.length} dimensions`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

/** The Euclidean length of a vector. */
export function l2norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  return Math.sqrt(sum);
}

/** A plain `number[]` for JSON, tRPC and pgvector (`embeddingSchema` in lib/schemas.ts takes exactly this). */
export function toNumberArray(v: ArrayLike<number>): number[] {
  return Array.from(v);
}

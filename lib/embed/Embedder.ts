import type { EMBEDDING_DIMENSIONS } from "../constants";

/**
 * Turns texts into 384-d vectors. The built-in hash embedder fills it everywhere; an
 * E5/MiniLM model fills it when its weights are present, without a schema change.
 */
export interface Embedder {
  /** Names the model and its version, e.g. `hash-384-v1`; vectors from different ids are not comparable. */
  readonly id: string;
  readonly dimensions: typeof EMBEDDING_DIMENSIONS;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

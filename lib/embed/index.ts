export type { Embedder } from "./Embedder";
export { createHashEmbedder, hashEmbed, normalizeText } from "./createHashEmbedder";
export { HASH_EMBEDDER_ID } from "./constants";
export { cosine, l2norm, toNumberArray } from "./vectors";

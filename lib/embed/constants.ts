/** Tuning of the built-in hash embedder. Changing any of these changes every vector: bump HASH_EMBEDDER_ID. */

/** Names the algorithm and its version; stored beside vectors so old and new ones are never compared. */
export const HASH_EMBEDDER_ID = "hash-384-v1";
/** Character n-grams from 3 to 5 code points catch shared stems and typos (fastText's range). */
export const CHAR_NGRAM_MIN = 3;
export const CHAR_NGRAM_MAX = 5;
/**
 * Each feature family is normalized on its own, then mixed with these weights, so long
 * words do not drown the word features (a word gives ~12 char n-grams and 1 unigram).
 * Words carry meaning; bigrams carry a little word order; char n-grams carry morphology.
 */
export const WORD_WEIGHT = 1;
export const BIGRAM_WEIGHT = 0.5;
export const CHAR_WEIGHT = 0.8;

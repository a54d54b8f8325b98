/**
 * Stable 32-bit hashing: FNV-1a over the UTF-8 bytes of a string, and murmur3's finalizer.
 * Integer arithmetic only (Math.imul, shifts), so every engine gives the same bits.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes, as an unsigned 32-bit integer. */
export function fnv1a32(bytes: Uint8Array, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const byte of bytes) h = Math.imul(h ^ byte, FNV_PRIME);
  return h >>> 0;
}

/** Feeds one code point's UTF-8 bytes into a running FNV-1a hash (a lone surrogate as U+FFFD, as TextEncoder writes it). */
export function fnvCodePoint(h: number, codePoint: number): number {
  const cp = codePoint >= 0xd800 && codePoint <= 0xdfff ? 0xfffd : codePoint;
  if (cp < 0x80) return Math.imul(h ^ cp, FNV_PRIME);
  if (cp < 0x800) {
    h = Math.imul(h ^ (0xc0 | (cp >> 6)), FNV_PRIME);
    return Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
  }
  if (cp < 0x10000) {
    h = Math.imul(h ^ (0xe0 | (cp >> 12)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
    return Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
  }
  h = Math.imul(h ^ (0xf0 | (cp >> 18)), FNV_PRIME);
  h = Math.imul(h ^ (0x80 | ((cp >> 12) & 0x3f)), FNV_PRIME);
  h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
  return Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
}

/**
 * FNV-1a over the UTF-8 bytes of `text`: the same number as `fnv1a32(new TextEncoder().encode(text), seed)`,
 * without allocating. Hashing `b` from `seed = hashString(a)` equals hashing `a + b`.
 */
export function hashString(text: string, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const char of text) h = fnvCodePoint(h, char.codePointAt(0)!);
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: spreads every input bit over the output (FNV's low bits alone are weak). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

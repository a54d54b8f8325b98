/**
 * Ids for events and traces: UUID v7 event ids (time-ordered, so an outbox sorts by them),
 * W3C trace-context trace and span ids. Randomness comes from `crypto.getRandomValues`
 * (browsers, workers and Node ≥ 20 alike) or from an injected source in tests and replays.
 */
import { createRandom } from "../random";

/** Fills `length` random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/** A being's event id: a UUID v4 or v7 in lower case, parsed once at the boundary. */
export type EventId = string & { readonly __brand: "EventId" };

/** Cryptographic random bytes from `globalThis.crypto`. */
export const cryptoRandomBytes: RandomBytes = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

/**
 * Cryptographic random bytes drawn from `source` a block at a time and handed out in slices: one
 * `crypto.getRandomValues` per `block` bytes instead of one per id (each call costs microseconds, and an
 * event needs three). For code that makes events in bulk; the bytes are as random as the source's.
 */
export function pooledRandomBytes(source: RandomBytes = cryptoRandomBytes, block = 4_096): RandomBytes {
  let pool: Uint8Array = new Uint8Array(0);
  let at = 0;
  return (length) => {
    if (length > block) return source(length);
    if (at + length > pool.length) {
      pool = source(block);
      at = 0;
    }
    at += length;
    return pool.slice(at - length, at);
  };
}

/** Reproducible bytes for tests and simulations (mulberry32 from lib/random); never for real ids. */
export function seededRandomBytes(seed: number): RandomBytes {
  const rng = createRandom(seed);
  return (length) => Uint8Array.from({ length }, () => Math.floor(rng.next() * 256));
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Random bytes that are not all zero: W3C trace context forbids the all-zero id. */
function nonZero(bytes: Uint8Array): Uint8Array {
  if (bytes.every((b) => b === 0)) bytes[bytes.length - 1] = 1;
  return bytes;
}

/** A new W3C trace id: 32 lowercase hex digits, never all zero. */
export function newTraceId(randomBytes: RandomBytes = cryptoRandomBytes): string {
  return hex(nonZero(randomBytes(16)));
}

/** A new W3C span id: 16 lowercase hex digits, never all zero. */
export function newSpanId(randomBytes: RandomBytes = cryptoRandomBytes): string {
  return hex(nonZero(randomBytes(8)));
}

/**
 * A new UUID v7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits, so ids sort by creation time.
 * Throws a RangeError for a time before 1970 or an invalid Date.
 */
export function newEventId(at: Date, randomBytes: RandomBytes = cryptoRandomBytes): EventId {
  let ms = at.getTime();
  if (!Number.isFinite(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`cannot make a UUID v7 for the time ${String(at)}`);
  const bytes = new Uint8Array(16);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(randomBytes(10), 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as EventId;
}

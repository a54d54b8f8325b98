import "../serverOnly";
import { TokenBucket } from "../rooms/TokenBucket";
import { MAX_LIMITER_KEYS } from "./constants";

/** One token bucket per key (an IP, a person): `take` answers 0 when allowed, else the seconds to wait. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token from every key's bucket; answers 0, or the longest Retry-After among the keys that are out. */
  take(...keys: string[]): number {
    let wait = 0;
    for (const key of keys) {
      let bucket = this.buckets.get(key);
      if (!bucket) {
        if (this.buckets.size >= MAX_LIMITER_KEYS) this.forgetFull();
        bucket = new TokenBucket(this.burst, this.perSecond, this.now);
        this.buckets.set(key, bucket);
      }
      if (!bucket.take()) wait = Math.max(wait, bucket.retryAfterSeconds());
    }
    return wait;
  }

  private forgetFull(): void {
    for (const [key, bucket] of this.buckets) if (bucket.full()) this.buckets.delete(key);
    // NOTE: every key busy at once (a flood from many addresses): forget the oldest half rather than grow.
    if (this.buckets.size >= MAX_LIMITER_KEYS) for (const key of [...this.buckets.keys()].slice(0, MAX_LIMITER_KEYS / 2)) this.buckets.delete(key);
  }
}

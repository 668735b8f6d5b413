/*
 * Token buckets in process memory, one per key (an API key id). Each holds up to `burst` tokens and
 * refills at `perSecond`; a request takes one token or is refused with the seconds until one is back.
 * Per process: several app instances each allow the full rate.
 */

export type RateLimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export type RateLimiter = {
  take(key: string): RateLimitDecision;
};

type Bucket = { tokens: number; at: number };

/** Buckets idle this long are full again and are dropped, so the map stays as small as the live keys. */
const SWEEP_EVERY = 10_000;

export function createRateLimiter({
  perSecond,
  burst = perSecond * 2,
  now = () => performance.now(),
}: {
  perSecond: number;
  burst?: number;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
}): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let takes = 0;
  const fullAfterMs = (burst / perSecond) * 1000;

  return {
    take(key) {
      const t = now();
      if (++takes % SWEEP_EVERY === 0) {
        for (const [k, b] of buckets) if (t - b.at >= fullAfterMs) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}

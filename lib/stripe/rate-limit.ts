import { setTimeout as delay } from "node:timers/promises";

/*
 * Stripe answers 429 when a key exceeds its rate; the SDK does not retry those. We wait what the
 * Retry-After header asks (seconds), else back off exponentially from 1 s, capped at 60 s.
 */

const MAX_WAIT_MS = 60_000;

/** Milliseconds to wait when `error` is a 429, else null. */
export function rateLimitWait(error: unknown, attempt = 0): number | null {
  const e = error as { statusCode?: number; type?: string; headers?: Record<string, string | undefined> };
  if (e?.statusCode !== 429 && e?.type !== "StripeRateLimitError") return null;
  const header = e.headers?.["retry-after"];
  const seconds = header === undefined ? Number.NaN : Number(header);
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000 * 2 ** attempt;
  return Math.min(ms, MAX_WAIT_MS);
}

/** Runs `fn`, waiting and retrying on 429s up to `attempts` times in all. */
export async function withRateLimitRetry<T>(
  fn: () => Promise<T>,
  {
    attempts = 6,
    sleep = (ms: number) => delay(ms),
    onRateLimit,
  }: {
    attempts?: number;
    sleep?: (ms: number) => Promise<unknown>;
    onRateLimit?: (waitMs: number) => void;
  } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const wait = rateLimitWait(error, attempt);
      if (wait === null || attempt + 1 >= attempts) throw error;
      onRateLimit?.(wait);
      await sleep(wait);
    }
  }
}

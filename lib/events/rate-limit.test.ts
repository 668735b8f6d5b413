import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit";

describe("token bucket rate limiter", () => {
  it("allows a burst, refills at the rate, and says when to retry", () => {
    let t = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 4, now: () => t });
    const take = (key = "k") => limiter.take(key);
    for (let i = 0; i < 4; i++) expect(take()).toEqual({ ok: true });
    expect(take()).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(take("other key")).toEqual({ ok: true }); // per key
    t = 499;
    expect(take().ok).toBe(false); // 0.998 tokens
    t = 500;
    expect(take()).toEqual({ ok: true });
    t = 10_000; // refilled to the burst, not beyond
    for (let i = 0; i < 4; i++) expect(take().ok).toBe(true);
    expect(take().ok).toBe(false);
  });

  it("rounds Retry-After up to whole seconds at low rates, and defaults the burst to twice the rate", () => {
    let t = 0;
    const slow = createRateLimiter({ perSecond: 0.2, burst: 1, now: () => t });
    expect(slow.take("k").ok).toBe(true);
    expect(slow.take("k")).toEqual({ ok: false, retryAfterSeconds: 5 });
    t = 2_000;
    expect(slow.take("k")).toEqual({ ok: false, retryAfterSeconds: 3 });
    const fast = createRateLimiter({ perSecond: 3, now: () => 0 });
    const results = Array.from({ length: 7 }, () => fast.take("k").ok);
    expect(results).toEqual([true, true, true, true, true, true, false]);
  });
});

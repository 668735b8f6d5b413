import { describe, expect, it } from "vitest";
import { demoEvents } from "./demo";
import { ZEvent } from "./event";

describe("demo events", () => {
  const events = demoEvents({ days: 548, today: "2026-06-30" });

  it("are deterministic, valid and unique by id", () => {
    expect(demoEvents({ days: 548, today: "2026-06-30" })).toEqual(events);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events.slice(0, 200)) expect(ZEvent.safeParse(e).success).toBe(true);
  });

  it("span the 18 months ending today with a realistic volume and growth", () => {
    const days = events.map((e) => e.timestamp.slice(0, 10)).sort();
    expect(days[0]).toBe("2024-12-30"); // 548 days ending 2026-06-30
    expect(days.at(-1)).toBe("2026-06-30");
    expect(events.length).toBeGreaterThan(10_000);
    expect(events.length).toBeLessThan(60_000);
    const users = (from: string, to: string) =>
      new Set(events.filter((e) => e.timestamp >= from && e.timestamp < to).map((e) => e.user_id)).size;
    // More active users in the last month than in the first.
    expect(users("2026-06-01", "2026-07-01")).toBeGreaterThan(users("2025-01-01", "2025-02-01"));
  });
});

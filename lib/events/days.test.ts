import { describe, expect, it } from "vitest";
import { dayDiff, localDay, monthDiff, ZDay, ZMonth } from "./days";

describe("days", () => {
  it("gives the calendar day in a timezone", () => {
    const at = new Date("2024-02-05T07:30:00Z");
    expect(localDay("UTC", at)).toBe("2024-02-05");
    expect(localDay("America/Los_Angeles", at)).toBe("2024-02-04");
    expect(localDay("Asia/Tokyo", new Date("2024-02-04T15:00:00Z"))).toBe("2024-02-05");
  });

  it("validates days and months and counts between them", () => {
    expect(ZDay.safeParse("2024-02-29").success).toBe(true);
    expect(ZDay.safeParse("2023-02-29").success).toBe(false);
    expect(ZDay.safeParse("2024-2-01").success).toBe(false);
    expect(ZMonth.safeParse("2024-12").success).toBe(true);
    expect(ZMonth.safeParse("2024-13").success).toBe(false);
    expect(dayDiff("2024-02-28", "2024-03-01")).toBe(2);
    expect(dayDiff("2024-03-01", "2024-02-28")).toBe(-2);
    expect(monthDiff("2023-11", "2024-02")).toBe(3);
  });
});

import { describe, expect, it } from "vitest";
import { addDays, dayDiff, daysBetween, isIsoDay, lastCompleteDay, localDay, monthsBetween } from "./dates";

describe("snapshot days", () => {
  it("does day arithmetic across month, year and leap-day edges", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(dayDiff("2024-01-01", "2025-01-01")).toBe(366);
    expect(daysBetween("2025-03-30", "2025-04-02")).toEqual([
      "2025-03-30",
      "2025-03-31",
      "2025-04-01",
      "2025-04-02",
    ]);
    expect(daysBetween("2025-04-02", "2025-04-01")).toEqual([]);
  });

  it("validates calendar days", () => {
    expect(isIsoDay("2025-02-28")).toBe(true);
    expect(isIsoDay("2025-02-29")).toBe(false);
    expect(isIsoDay("2025-2-28")).toBe(false);
  });

  it("reads the local day in the org's timezone (ENG-1)", () => {
    const now = new Date("2025-06-01T03:30:00Z");
    expect(localDay("UTC", now)).toBe("2025-06-01");
    expect(localDay("America/Los_Angeles", now)).toBe("2025-05-31");
    expect(localDay("Asia/Tokyo", new Date("2025-05-31T16:00:00Z"))).toBe("2025-06-01");
    expect(lastCompleteDay("UTC", now)).toBe("2025-05-31");
    expect(lastCompleteDay("America/Los_Angeles", now)).toBe("2025-05-30");
  });

  it("splits a range into months", () => {
    expect(monthsBetween("2025-01-15", "2025-03-02")).toEqual([
      { month: "2025-01", from: "2025-01-15", to: "2025-01-31" },
      { month: "2025-02", from: "2025-02-01", to: "2025-02-28" },
      { month: "2025-03", from: "2025-03-01", to: "2025-03-02" },
    ]);
    expect(monthsBetween("2025-03-05", "2025-03-05")).toEqual([
      { month: "2025-03", from: "2025-03-05", to: "2025-03-05" },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { formatChange, formatKpi, formatMonthLabel, formatRate } from "./format";

describe("ARR dashboard formatting", () => {
  it("writes undefined rates as a dash, never 0% or NaN", () => {
    expect(formatRate(null)).toBe("—");
    expect(formatRate(Number.NaN)).toBe("—");
    expect(formatRate(0.975)).toBe("97.5%");
    expect(formatKpi(null, "ratio", "USD")).toBe("—");
    expect(formatKpi(22_800, "money", "USD")).toBe("$228.00");
    expect(formatKpi(1234, "count", "USD")).toBe("1,234");
  });

  it("signs changes: money with the relative change, rates in points", () => {
    expect(formatChange(22_800, 19_800, "money", "USD")).toBe("+$30.00 (+15.2%)");
    expect(formatChange(19_800, 22_800, "money", "USD")).toBe("−$30.00 (−13.2%)");
    expect(formatChange(22_800, 0, "money", "USD")).toBe("+$228.00");
    expect(formatChange(3, 3, "count", "USD")).toBe("±0 (±0.0%)");
    expect(formatChange(0.95, 0.963, "rate", "USD")).toBe("−1.3 pts");
    expect(formatChange(2, null, "ratio", "USD")).toBe("—");
  });

  it("labels months", () => {
    expect(formatMonthLabel("2024-01")).toBe("Jan 2024");
  });
});

import { describe, expect, it } from "vitest";
import { formatBytes, formatDate, formatDateTime, groupThousands } from "./format";

describe("format", () => {
  it("formats in UTC", () => {
    const d = new Date("2026-03-05T23:30:09.123-02:00");
    expect(formatDate(d)).toBe("2026-03-06");
    expect(formatDateTime(d)).toBe("2026-03-06 01:30:09");
    expect(formatDateTime(null)).toBe("—");
  });

  it("formats byte counts in decimal units", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(3_400)).toBe("3.4 kB");
    expect(formatBytes(200_000_000)).toBe("200.0 MB");
    expect(formatBytes(1_500_000_000)).toBe("1.5 GB");
  });

  it("groups an exact decimal's whole part by thousands, keeping its fraction as written", () => {
    expect(groupThousands("2786")).toBe("2,786");
    expect(groupThousands("1234567.50")).toBe("1,234,567.50");
    expect(groupThousands("-1234.5")).toBe("-1,234.5");
    expect(groupThousands("999")).toBe("999");
    expect(groupThousands("0.0001")).toBe("0.0001");
  });
});

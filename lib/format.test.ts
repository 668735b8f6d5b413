import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "./format";

describe("format", () => {
  it("formats in UTC", () => {
    const d = new Date("2026-03-05T23:30:09.123-02:00");
    expect(formatDate(d)).toBe("2026-03-06");
    expect(formatDateTime(d)).toBe("2026-03-06 01:30:09");
    expect(formatDateTime(null)).toBe("—");
  });
});

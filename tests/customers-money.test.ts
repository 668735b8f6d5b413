import { describe, expect, it } from "vitest";
import { amountShapeError, formatMoney, minorToDecimal, parseMoney } from "@/lib/money";

describe("parseMoney: major units as typed → exact minor units", () => {
  it.each([
    ["19.99", "USD", 1999],
    ["0.29", "USD", 29], // 0.29 × 100 = 28.999999999999996 in floating point
    ["1.005", "BHD", 1005],
    ["120", "USD", 12000],
    ["120.", "USD", 12000],
    [".5", "EUR", 50],
    ["19.9", "USD", 1990],
    ["19.90", "USD", 1990],
    ["1,200.50", "USD", 120050],
    [" 7 ", "USD", 700],
    ["1235", "JPY", 1235],
    ["1235.00", "JPY", 1235],
    ["0", "USD", 0],
    ["90071992547409.91", "USD", 9007199254740991],
  ])("%s %s → %d", (text, currency, minor) => {
    expect(parseMoney(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    ["", "USD", /Enter an amount/],
    [".", "USD", /Enter an amount/],
    ["abc", "USD", /Enter an amount/],
    ["-5", "USD", /Enter an amount/],
    ["1,5", "USD", /Enter an amount/],
    ["1e3", "USD", /Enter an amount/],
    ["19.999", "USD", /USD has 2 decimal places at most/],
    ["12.5", "JPY", /JPY has no minor unit/],
    ["90071992547409.92", "USD", /too large/],
  ])("%j %s is refused", (text, currency, message) => {
    const parsed = parseMoney(text, currency);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe("amountShapeError: the currency-independent check the form runs with the other fields", () => {
  it("accepts what parseMoney can read in some currency and names the problem otherwise", () => {
    for (const ok of ["19.99", "120.005", "1,200", ".5", "7."]) expect(amountShapeError(ok)).toBeUndefined();
    for (const bad of ["", ".", "12,5", "-1", "abc", "1 000"]) {
      expect(amountShapeError(bad)).toBe("Enter an amount like 19.99 (digits and a decimal point).");
    }
  });
});

describe("formatMoney and minorToDecimal", () => {
  it("formats minor units in the currency's own exponent", () => {
    expect(formatMoney(900, "USD")).toBe("$9.00");
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(16667, "EUR")).toBe("€166.67");
    expect(formatMoney(1235, "JPY")).toBe("¥1,235");
    expect(formatMoney(0, "USD")).toBe("$0.00");
  });

  it("writes minor units back as the decimal a form shows, and parseMoney reads it back", () => {
    expect(minorToDecimal(1999, "USD")).toBe("19.99");
    expect(minorToDecimal(5, "USD")).toBe("0.05");
    expect(minorToDecimal(12000, "USD")).toBe("120.00");
    expect(minorToDecimal(1235, "JPY")).toBe("1235");
    expect(minorToDecimal(1005, "BHD")).toBe("1.005");
    for (const [minor, currency] of [
      [1999, "USD"],
      [5, "EUR"],
      [1235, "JPY"],
      [1, "BHD"],
    ] as const) {
      expect(parseMoney(minorToDecimal(minor, currency), currency)).toEqual({ ok: true, minor });
    }
  });
});

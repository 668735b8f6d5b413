import { describe, expect, it } from "vitest";
import { currencyExponent, decimalToFraction, itemMrr, roundHalfAwayFromZero } from "./mrr";

describe("MRR-1 item MRR (METRICS.md examples)", () => {
  it("$90 per 3 months → $30.00", () => {
    expect(itemMrr({ unitAmount: 9000, quantity: 1, intervalUnit: "month", intervalCount: 3 })).toBe(3000);
    expect(itemMrr({ unitAmount: 9000, quantity: 1, intervalUnit: "quarter", intervalCount: 1 })).toBe(3000);
  });
  it("$120/year with 10% recurring discount → $9.00", () => {
    expect(
      itemMrr({
        unitAmount: 12000,
        quantity: 1,
        intervalUnit: "year",
        intervalCount: 1,
        discountPercent: 10,
      }),
    ).toBe(900);
  });
  it("$2,000/year × 1 → $166.67 (and 4 seats × $500/year the same)", () => {
    expect(itemMrr({ unitAmount: 200000, quantity: 1, intervalUnit: "year", intervalCount: 1 })).toBe(16667);
    expect(itemMrr({ unitAmount: 50000, quantity: 4, intervalUnit: "year", intervalCount: 1 })).toBe(16667);
  });
  it("normalises days and weeks by 12/365 and 12/52", () => {
    // $1/day → 365/12 = $30.4166… → $30.42
    expect(itemMrr({ unitAmount: 100, quantity: 1, intervalUnit: "day", intervalCount: 1 })).toBe(3042);
    // $10/week → 520/12 = $43.333… → $43.33; every 2 weeks → $21.67
    expect(itemMrr({ unitAmount: 1000, quantity: 1, intervalUnit: "week", intervalCount: 1 })).toBe(4333);
    expect(itemMrr({ unitAmount: 1000, quantity: 1, intervalUnit: "week", intervalCount: 2 })).toBe(2167);
  });
  it("subtracts a recurring amount discount per period and floors at zero", () => {
    expect(
      itemMrr({
        unitAmount: 10000,
        quantity: 1,
        intervalUnit: "month",
        intervalCount: 1,
        discountAmount: 2500,
      }),
    ).toBe(7500);
    expect(
      itemMrr({
        unitAmount: 1000,
        quantity: 1,
        intervalUnit: "month",
        intervalCount: 1,
        discountPercent: 100,
      }),
    ).toBe(0);
    expect(
      itemMrr({
        unitAmount: 1000,
        quantity: 1,
        intervalUnit: "month",
        intervalCount: 1,
        discountAmount: 5000,
      }),
    ).toBe(0);
  });
  it("$0 items and zero quantities contribute 0", () => {
    expect(itemMrr({ unitAmount: 0, quantity: 3, intervalUnit: "month", intervalCount: 1 })).toBe(0);
    expect(itemMrr({ unitAmount: 5000, quantity: 0, intervalUnit: "month", intervalCount: 1 })).toBe(0);
  });
  it("converts at the given rate before rounding once", () => {
    // €100/month at 1.0850 USD/EUR → $108.50
    expect(
      itemMrr({ unitAmount: 10000, quantity: 1, intervalUnit: "month", intervalCount: 1, fxRate: "1.0850" }),
    ).toBe(10850);
    // ¥1,000/year (JPY's minor unit is the yen) at 0.0067 USD per yen → $6.70/12 = 55.83 cents → 56 cents
    expect(
      itemMrr({
        unitAmount: 1000,
        quantity: 1,
        intervalUnit: "year",
        intervalCount: 1,
        fxRate: "0.0067",
        exponentShift: 2,
      }),
    ).toBe(56);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("BHD")).toBe(3);
  });
  it("rounds half away from zero", () => {
    expect(roundHalfAwayFromZero(5n, 2n)).toBe(3n);
    expect(roundHalfAwayFromZero(-5n, 2n)).toBe(-3n);
    expect(roundHalfAwayFromZero(7n, 3n)).toBe(2n);
    // 1 cent every 2 months = 0.5 cent a month: half rounds away from zero, to 1 cent
    expect(itemMrr({ unitAmount: 1, quantity: 1, intervalUnit: "month", intervalCount: 2 })).toBe(1);
  });
  it("parses decimals exactly and refuses anything else", () => {
    expect(decimalToFraction("12.5")).toEqual([125n, 10n]);
    expect(decimalToFraction(0.1)).toEqual([1n, 10n]);
    expect(() => decimalToFraction("1e3")).toThrow(/not a decimal/);
  });
});

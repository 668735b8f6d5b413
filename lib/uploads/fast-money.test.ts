import { describe, expect, it } from "vitest";
import { INTERVAL_UNITS } from "@/db/schema";
import { toMinorUnits } from "@/lib/ingest/amounts";
import { itemMrr } from "@/lib/metrics/mrr";
import { seededRand } from "@/tests/helpers/revenue-gen";
import { fastItemMrr, minorUnits } from "./fast-money";

// The shortcuts answer exactly what the definitions (MRR-1's itemMrr, toMinorUnits) answer.
describe("minorUnits", () => {
  it("equals toMinorUnits on plain, odd and invalid decimals in currencies of 0, 2 and 3 decimals", () => {
    const cases = [
      "0",
      "0.00",
      "49.00",
      "1234.5",
      "1234.567",
      "0.001",
      "12.3400",
      ".5",
      "5.",
      "-12.50",
      "1,234.50",
      "999999999999999",
      "90071992547409.91",
      "9007199254740.993",
      "abc",
      "",
    ];
    for (const currency of ["USD", "JPY", "KWD"]) {
      for (const decimal of cases) {
        expect([decimal, currency, minorUnits(decimal, currency)]).toEqual([
          decimal,
          currency,
          toMinorUnits(decimal, currency),
        ]);
      }
    }
  });
});

describe("fastItemMrr", () => {
  it("equals itemMrr on hand-computed MRR-1 examples", () => {
    // $90 per 3 months → $30.00; $2,000/year × 1 → $166.67; $120/year with 10% discount → $9.00.
    expect(fastItemMrr({ unitAmount: 9_000, quantity: 1, intervalUnit: "month", intervalCount: 3 })).toBe(
      3_000,
    );
    expect(fastItemMrr({ unitAmount: 200_000, quantity: 1, intervalUnit: "year", intervalCount: 1 })).toBe(
      16_667,
    );
    expect(
      fastItemMrr({
        unitAmount: 12_000,
        quantity: 1,
        intervalUnit: "year",
        intervalCount: 1,
        discountPercent: "10",
      }),
    ).toBe(900);
  });

  it("equals itemMrr on 20,000 random prices, halves and huge amounts included", () => {
    const r = seededRand(42);
    for (let i = 0; i < 20_000; i++) {
      const price = {
        unitAmount: i % 97 === 0 ? r.int(0, 2 ** 40) * 1_000 : r.int(0, 500_000),
        quantity: r.int(0, 40),
        intervalUnit: INTERVAL_UNITS[r.int(0, INTERVAL_UNITS.length - 1)] ?? "month",
        intervalCount: r.int(1, 36),
        ...(i % 5 === 0 ? { fxRate: "1.0850000000" } : i % 7 === 0 ? { fxRate: "1" } : {}),
        ...(i % 11 === 0 ? { discountAmount: r.int(0, 1_000) } : {}),
        ...(i % 13 === 0 ? { exponentShift: 2 } : {}),
      };
      expect([price, fastItemMrr(price)]).toEqual([price, itemMrr(price)]);
    }
  });
});

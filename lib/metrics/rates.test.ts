import { describe, expect, it } from "vitest";
import {
  arpa,
  customerChurnRate,
  grossMarginFraction,
  grossMrrChurnRate,
  ltv,
  meanDefined,
  monthlyGrr,
  monthlyNrr,
  mrrGrowthRate,
  netMrrChurnRate,
  quickRatio,
  ratio,
  trailingRetention,
} from "./rates";

// Start MRR $100 with churn $10, contraction $10, expansion $10 (the hand-checked case), cents.
const month = {
  startMrr: 10_000,
  new: 0,
  expansion: 1_000,
  reactivation: 0,
  contraction: 1_000,
  churn: 1_000,
};

describe("rates (METRICS.md)", () => {
  it("a zero denominator is undefined: null, never 0 or NaN", () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
    const empty = { ...month, startMrr: 0 };
    for (const rate of [grossMrrChurnRate, netMrrChurnRate, monthlyNrr, monthlyGrr])
      expect(rate(empty)).toBeNull();
    expect(customerChurnRate(0, 0)).toBeNull();
    expect(arpa(0, 0)).toBeNull();
    expect(mrrGrowthRate(100, 0)).toBeNull();
    expect(trailingRetention({ base: 0, current: 0, retained: 0 })).toEqual({ nrr12: null, grr12: null });
  });

  it("RATE-1…5 on the hand-checked month", () => {
    expect(customerChurnRate(1, 4)).toBe(0.25);
    expect(grossMrrChurnRate(month)).toBe(0.2);
    expect(netMrrChurnRate(month)).toBe(0.1);
    expect(monthlyNrr(month)).toBe(0.9);
    expect(monthlyGrr(month)).toBe(0.8);
    // Net churn goes negative when expansion and reactivation outweigh losses.
    expect(netMrrChurnRate({ ...month, expansion: 2_500, reactivation: 500 })).toBe(-0.1);
    // RATE-4 excludes new business and reactivation.
    expect(monthlyNrr({ ...month, new: 50_000, reactivation: 9_000 })).toBe(0.9);
  });

  it("RATE-6/7: NRR12 may exceed 1, GRR12 is capped by its min()", () => {
    expect(trailingRetention({ base: 40_000, current: 65_000, retained: 25_000 })).toEqual({
      nrr12: 1.625,
      grr12: 0.625,
    });
  });

  it("ARPA-1 of 100/100/300/500/500 is 300", () => {
    expect(arpa(10_000 + 10_000 + 30_000 + 50_000 + 50_000, 5)).toBe(30_000);
  });

  it("LTV-1: ARPA × margin / mean churn of the defined months; undefined when the mean is 0", () => {
    expect(ltv({ arpa: 10_000, grossMargin: 0.8, churnRates: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05] })).toBe(
      160_000,
    );
    expect(ltv({ arpa: 10_000, grossMargin: 1, churnRates: [null, null, 0.1, 0.1, 0.1, 0.1] })).toBe(100_000);
    expect(ltv({ arpa: 10_000, grossMargin: 1, churnRates: [0, 0, 0, 0, 0, 0] })).toBeNull();
    expect(ltv({ arpa: 10_000, grossMargin: 1, churnRates: [null, null] })).toBeNull();
    expect(ltv({ arpa: null, grossMargin: 1, churnRates: [0.1] })).toBeNull();
    expect(meanDefined([null, 0.1, 0.3])).toBeCloseTo(0.2, 15);
  });

  it("gross margin: the org setting in percent, default 100%", () => {
    expect(grossMarginFraction(80)).toBe(0.8);
    expect(grossMarginFraction(undefined)).toBe(1);
    expect(grossMarginFraction("80")).toBe(1);
    expect(grossMarginFraction(140)).toBe(1);
    expect(grossMarginFraction(0)).toBe(0);
  });

  it("QR-1 counts reactivation; GROW-1 is exact for 100 → 110", () => {
    const m = {
      startMrr: 30_000,
      new: 10_000,
      expansion: 5_000,
      reactivation: 5_000,
      contraction: 6_000,
      churn: 4_000,
    };
    expect(quickRatio(m)).toBe(2);
    expect(quickRatio({ ...m, churn: 0, contraction: 0 })).toBeNull();
    expect(mrrGrowthRate(11_000, 10_000)).toBe(0.1);
    expect(mrrGrowthRate(9_000, 10_000)).toBe(-0.1);
  });
});

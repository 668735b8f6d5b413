/*
 * The rate metrics of METRICS.md as pure functions of sums the queries compute in SQL. Money in integer
 * cents; rates are fractions (0.97). A rate whose denominator is 0 is undefined: null, never 0 or NaN.
 */

/** num / den, or null when den is 0 (METRICS.md: undefined, shown as "—"). */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

type MonthMovements = {
  /** MRR(m−1). */
  startMrr: number;
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
};

/** RATE-1: churned customers(m) / Active(m−1). */
export const customerChurnRate = (churnedCustomers: number, activeBefore: number) =>
  ratio(churnedCustomers, activeBefore);

/** RATE-2: (churn + contraction) / MRR(m−1). */
export const grossMrrChurnRate = (m: MonthMovements) => ratio(m.churn + m.contraction, m.startMrr);

/** RATE-3: (churn + contraction − expansion − reactivation) / MRR(m−1); negative when expansion wins. */
export const netMrrChurnRate = (m: MonthMovements) =>
  ratio(m.churn + m.contraction - m.expansion - m.reactivation, m.startMrr);

/** RATE-4: (MRR(m−1) + expansion − contraction − churn) / MRR(m−1); new and reactivation excluded. */
export const monthlyNrr = (m: MonthMovements) =>
  ratio(m.startMrr + m.expansion - m.contraction - m.churn, m.startMrr);

/** RATE-5: (MRR(m−1) − contraction − churn) / MRR(m−1). */
export const monthlyGrr = (m: MonthMovements) => ratio(m.startMrr - m.contraction - m.churn, m.startMrr);

/**
 * RATE-6 and RATE-7 from the sums over S (customers with MRR > 0 at the end of m−12):
 * base = Σ MRR_c(m−12), current = Σ MRR_c(m), retained = Σ min(MRR_c(m), MRR_c(m−12)).
 */
export function trailingRetention(s: { base: number; current: number; retained: number }) {
  return { nrr12: ratio(s.current, s.base), grr12: ratio(s.retained, s.base) };
}

/** ARPA-1: MRR(m) / Active(m), in cents (not rounded). */
export const arpa = (mrr: number, activeCustomers: number) => ratio(mrr, activeCustomers);

/** The mean of the defined values; null when none is defined. */
export function meanDefined(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}

/** The org's gross margin as a fraction: `grossMarginPercent` when it is a number in 0..100, else 100%. */
export function grossMarginFraction(grossMarginPercent: unknown): number {
  return typeof grossMarginPercent === "number" && grossMarginPercent >= 0 && grossMarginPercent <= 100
    ? grossMarginPercent / 100
    : 1;
}

/**
 * LTV-1: ARPA(m) × gross margin / mean RATE-1 over m−6..m−1 (`churnRates`, current month excluded).
 * Months whose RATE-1 is undefined (no customers at the start) drop out of the mean; undefined when the
 * mean is 0 or no month has a rate, or when ARPA is undefined.
 */
export function ltv(input: {
  arpa: number | null;
  grossMargin: number;
  churnRates: readonly (number | null)[];
}): number | null {
  const meanChurn = meanDefined(input.churnRates);
  if (input.arpa === null || meanChurn === null || meanChurn === 0) return null;
  return (input.arpa * input.grossMargin) / meanChurn;
}

/** QR-1: (new + expansion + reactivation) / (churn + contraction); includes reactivation, unlike Baremetrics. */
export const quickRatio = (m: MonthMovements) =>
  ratio(m.new + m.expansion + m.reactivation, m.churn + m.contraction);

/** GROW-1: MRR(m) / MRR(m−1) − 1, computed as a difference over MRR(m−1) so 110/100 gives exactly 0.1. */
export const mrrGrowthRate = (mrr: number, previousMrr: number) => ratio(mrr - previousMrr, previousMrr);

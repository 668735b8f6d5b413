import type { IntervalUnit } from "@/db/schema";

/*
 * MRR-1 (METRICS.md): an item contributes round((amount × quantity − recurring discount) / months_in_period)
 * where months_in_period = count × {day: 12/365, week: 12/52, month: 1, quarter: 3, year: 12}, rounded
 * half away from zero, per item, to the minor unit, in the reporting currency. Computed with BigInt
 * fractions and rounded once, so no float ever touches money.
 */

export type ItemPrice = {
  /** Price of one unit per billing period, minor units of the item's currency. */
  unitAmount: number;
  quantity: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  /** Recurring percentage discount, e.g. 10 or "12.5" (up to 4 decimals). */
  discountPercent?: number | string | null;
  /** Recurring discount per billing period, minor units of the item's currency. */
  discountAmount?: number | null;
  /** Reporting-currency units per item-currency unit (decimal string or number); 1 when the same. */
  fxRate?: number | string;
  /** Minor-unit exponent of the reporting currency minus the item currency's (USD 2 − JPY 0 = 2). */
  exponentShift?: number;
};

// Building an Intl.NumberFormat costs tens of microseconds, and the import asks once or twice per row.
const EXPONENTS = new Map<string, number>();

/** Digits after the decimal point of a currency's minor unit (USD 2, JPY 0, BHD 3). */
export function currencyExponent(code: string): number {
  const known = EXPONENTS.get(code);
  if (known !== undefined) return known;
  // Throws on a code that is not a currency; nothing is cached then.
  const exponent =
    new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  EXPONENTS.set(code, exponent);
  return exponent;
}

/** months_in_period as a fraction [numerator, denominator]. */
const MONTHS: Record<IntervalUnit, [bigint, bigint]> = {
  day: [12n, 365n],
  week: [12n, 52n],
  month: [1n, 1n],
  quarter: [3n, 1n],
  year: [12n, 1n],
};

/** A decimal (number or string) as an exact fraction; throws on anything that is not a plain decimal. */
export function decimalToFraction(value: number | string): [bigint, bigint] {
  const text = typeof value === "number" ? numberToPlainString(value) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ""] = match;
  const numerator = BigInt(`${whole}${fraction}`) * (sign ? -1n : 1n);
  return [numerator, 10n ** BigInt(fraction.length)];
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  // toFixed avoids exponent notation; 12 places covers rates and percentages exactly enough.
  return Number.isInteger(n) ? n.toFixed(0) : n.toFixed(12).replace(/0+$/, "");
}

/** num / den rounded half away from zero. */
export function roundHalfAwayFromZero(num: bigint, den: bigint): bigint {
  if (den < 0n) return roundHalfAwayFromZero(-num, -den);
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const q = (2n * abs + den) / (2n * den);
  return negative ? -q : q;
}

/** MRR-1 of one item in minor units of the reporting currency; never negative (a discount floors at 0). */
export function itemMrr(price: ItemPrice): number {
  if (!Number.isInteger(price.unitAmount) || !Number.isInteger(price.quantity) || price.quantity < 0) {
    throw new Error("unit amount and quantity must be integers, quantity ≥ 0");
  }
  if (!Number.isInteger(price.intervalCount) || price.intervalCount < 1)
    throw new Error("interval count must be ≥ 1");
  const [monthsNum, monthsDen] = MONTHS[price.intervalUnit];
  const [pctNum, pctDen] = decimalToFraction(price.discountPercent ?? 0);
  const [rateNum, rateDen] = decimalToFraction(price.fxRate ?? 1);
  const gross = BigInt(price.unitAmount) * BigInt(price.quantity);
  // net per period = gross × (1 − pct/100) − discountAmount, as a fraction over 100 × pctDen.
  const netNum = gross * (100n * pctDen - pctNum) - BigInt(price.discountAmount ?? 0) * 100n * pctDen;
  const netDen = 100n * pctDen;
  // MRR = net / (count × months) × rate
  const shift = price.exponentShift ?? 0;
  const num = netNum * monthsDen * rateNum * 10n ** BigInt(Math.max(0, shift));
  const den = netDen * monthsNum * BigInt(price.intervalCount) * rateDen * 10n ** BigInt(Math.max(0, -shift));
  const mrr = roundHalfAwayFromZero(num, den);
  return mrr > 0n ? Number(mrr) : 0;
}

import type { IntervalUnit } from "@/db/schema";
import { toMinorUnits } from "@/lib/ingest/amounts";
import { currencyExponent, type ItemPrice, itemMrr } from "@/lib/metrics/mrr";

/*
 * The import's per-row money arithmetic without BigInt for the common case: a plain non-negative decimal
 * in minor units, and MRR-1 of an item without discounts in the reporting currency. Both answer exactly
 * what toMinorUnits and itemMrr answer (fast-money.test.ts compares them over many values) and hand
 * everything else to them: they are the definition, this is only the shortcut a million rows need.
 */

const PLAIN = /^(\d{1,15})(?:\.(\d*))?$/;
const SAFE = Number.MAX_SAFE_INTEGER;

/** toMinorUnits(decimal, currency), without BigInt when the decimal is plain and the result safe. */
export function minorUnits(decimal: string, currency: string): ReturnType<typeof toMinorUnits> {
  const match = PLAIN.exec(decimal);
  if (match) {
    const exponent = currencyExponent(currency);
    let fraction = match[2] ?? "";
    while (fraction.endsWith("0")) fraction = fraction.slice(0, -1);
    if (fraction.length <= exponent) {
      const minor = Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
      if (minor <= SAFE) return { ok: true, value: minor };
    }
  }
  return toMinorUnits(decimal, currency);
}

/** months_in_period as [numerator, denominator] (MRR-1), as lib/metrics/mrr.ts has it. */
const MONTHS: Record<IntervalUnit, [number, number]> = {
  day: [12, 365],
  week: [12, 52],
  month: [1, 1],
  quarter: [3, 1],
  year: [12, 1],
};

/** itemMrr(price), in Numbers when there is no discount, no conversion and every product is safe. */
export function fastItemMrr(price: ItemPrice): number {
  const { unitAmount, quantity, intervalCount } = price;
  const plain =
    (price.discountPercent ?? null) === null &&
    (price.discountAmount ?? null) === null &&
    (price.fxRate === undefined || price.fxRate === "1" || price.fxRate === 1) &&
    (price.exponentShift ?? 0) === 0 &&
    Number.isInteger(unitAmount) &&
    unitAmount >= 0 &&
    Number.isInteger(quantity) &&
    quantity >= 0 &&
    Number.isInteger(intervalCount) &&
    intervalCount >= 1;
  const months = MONTHS[price.intervalUnit];
  if (plain && months) {
    const gross = unitAmount * quantity;
    // MRR = gross × den / (num × count), rounded half away from zero (all values here are ≥ 0).
    const x = gross * months[1];
    const y = months[0] * intervalCount;
    const top = 2 * x + y;
    if (gross <= SAFE && top <= SAFE && 2 * y <= SAFE) {
      let q = Math.floor(top / (2 * y));
      if (q * 2 * y > top) q--;
      else if ((q + 1) * 2 * y <= top) q++;
      return Math.max(q, 0);
    }
  }
  return itemMrr(price);
}

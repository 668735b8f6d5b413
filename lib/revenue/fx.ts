import { and, desc, eq, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { fxRates } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { currencyExponent } from "@/lib/metrics/mrr";

export type Conversion = { fxRate: string; exponentShift: number };

/**
 * MRR-1's conversion of an item's currency into the org's reporting currency: the rate in force on the
 * item's start date (the latest `fx_rates` row on or before it). No rate is an error naming the pair and
 * date, never a silent 1:1.
 */
export async function conversionFor(
  db: Db,
  {
    orgId,
    reportingCurrency,
    currency,
    onDate,
  }: { orgId: string; reportingCurrency: string; currency: string; onDate: string },
): Promise<Conversion> {
  const shift = currencyExponent(reportingCurrency) - currencyExponent(currency);
  if (currency === reportingCurrency) return { fxRate: "1", exponentShift: 0 };
  const [rate] = await db
    .select({ rate: fxRates.rate })
    .from(fxRates)
    .where(and(eq(fxRates.orgId, orgId), eq(fxRates.currency, currency), lte(fxRates.date, onDate)))
    .orderBy(desc(fxRates.date))
    .limit(1);
  if (!rate) {
    throw new AppError(
      422,
      `No exchange rate from ${currency} to ${reportingCurrency} on or before ${onDate}: add a ${currency} rate dated on or before ${onDate} under Settings → Exchange rates first.`,
      { fieldErrors: { currency: [`No ${currency}→${reportingCurrency} rate on or before ${onDate}.`] } },
    );
  }
  return { fxRate: rate.rate, exponentShift: shift };
}

/** Adds or replaces the rate of `currency` on `date` (reporting-currency units per unit of `currency`). */
export async function setFxRate(
  db: Db,
  { orgId, currency, date, rate }: { orgId: string; currency: string; date: string; rate: string },
) {
  await db
    .insert(fxRates)
    .values({ orgId, currency: currency.toUpperCase(), date, rate })
    .onConflictDoUpdate({ target: [fxRates.orgId, fxRates.currency, fxRates.date], set: { rate } });
}

/** The org's rates, newest first. */
export async function listFxRates(db: Db, orgId: string, limit = 200) {
  return db
    .select({ currency: fxRates.currency, date: fxRates.date, rate: fxRates.rate })
    .from(fxRates)
    .where(eq(fxRates.orgId, orgId))
    .orderBy(desc(fxRates.date), fxRates.currency)
    .limit(limit);
}

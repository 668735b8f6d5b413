import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { organizations } from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { retentionChangesSql } from "@/lib/metrics/derive";
import {
  arpa,
  customerChurnRate,
  grossMarginFraction,
  grossMrrChurnRate,
  ltv,
  mrrGrowthRate,
  netMrrChurnRate,
  quickRatio,
  trailingRetention,
} from "@/lib/metrics/rates";
import {
  type AnyFilters,
  addMonths,
  derivedThrough,
  isFiltered,
  monthDate,
  movementsSql,
  resolveFilters,
  type SqlFilters,
} from "./revenue-filters";
import { getMovementDetails, type MovementMonthDetail, num } from "./revenue-series";

/** One month's headline numbers: money in cents, rates as fractions, null where undefined. */
export type SummaryValues = {
  month: string;
  currency: string;
  /** MRR-3 */
  mrr: number;
  /** ARR-1 */
  arr: number;
  /** RATE-6 */
  nrr12: number | null;
  /** RATE-7 */
  grr12: number | null;
  /** ARPA-1, rounded to the cent. */
  arpa: number | null;
  /** CUS-1 */
  activeCustomers: number;
  /** RATE-1 */
  customerChurnRate: number | null;
  /** RATE-2 */
  grossMrrChurnRate: number | null;
  /** RATE-3 */
  netMrrChurnRate: number | null;
  /** QR-1 */
  quickRatio: number | null;
  /** LTV-1, rounded to the cent. */
  ltv: number | null;
  /** GROW-1 */
  mrrGrowthRate: number | null;
};

export type Summary = SummaryValues & { previous: SummaryValues };

type RetentionSums = { base: number; current: number; retained: number };

/**
 * RATE-6/7 sums over S = customers with MRR > 0 at the end of m−12, for `month` and the month before:
 * the running sums of the retention changes (stored for the org, computed over filtered movements).
 */
async function retentionSums(
  db: Db,
  { orgId, month, filters, through }: { orgId: string; month: string; filters: SqlFilters; through: string },
): Promise<{ current: RetentionSums; previous: RetentionSums }> {
  const changes = isFiltered(filters)
    ? retentionChangesSql(movementsSql(orgId, filters), monthDate(through))
    : sql`SELECT month, base, current, retained FROM revenue_retention WHERE org_id = ${orgId}`;
  const previous = sql`r.month <= ${monthDate(addMonths(month, -1))}::date`;
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`
    SELECT sum(r.base)::bigint AS base, sum(r.current)::bigint AS current, sum(r.retained)::bigint AS retained,
      sum(r.base) FILTER (WHERE ${previous})::bigint AS prev_base,
      sum(r.current) FILTER (WHERE ${previous})::bigint AS prev_current,
      sum(r.retained) FILTER (WHERE ${previous})::bigint AS prev_retained
    FROM (${changes}) r WHERE r.month <= ${monthDate(month)}::date`,
  );
  return {
    current: { base: num(row?.base), current: num(row?.current), retained: num(row?.retained) },
    previous: {
      base: num(row?.prev_base),
      current: num(row?.prev_current),
      retained: num(row?.prev_retained),
    },
  };
}

/** The summary of the last month of `history`, whose earlier months feed LTV-1's churn mean. */
function valuesFor(
  history: MovementMonthDetail[],
  { currency, grossMargin, retention }: { currency: string; grossMargin: number; retention: RetentionSums },
): SummaryValues {
  const row = history.at(-1);
  if (!row) throw new Error("no month to summarise");
  const average = arpa(row.endMrr, row.activeCustomers);
  // LTV-1's churn: RATE-1 of the six months before this one.
  const churnRates = history
    .slice(-7, -1)
    .map((r) => customerChurnRate(r.churnedCustomers, r.startActiveCustomers));
  const lifetime = ltv({ arpa: average, grossMargin, churnRates });
  const { nrr12, grr12 } = trailingRetention(retention);
  return {
    month: row.month,
    currency,
    mrr: row.endMrr,
    arr: 12 * row.endMrr,
    nrr12,
    grr12,
    arpa: average === null ? null : Math.round(average),
    activeCustomers: row.activeCustomers,
    customerChurnRate: customerChurnRate(row.churnedCustomers, row.startActiveCustomers),
    grossMrrChurnRate: grossMrrChurnRate(row),
    netMrrChurnRate: netMrrChurnRate(row),
    quickRatio: quickRatio(row),
    ltv: lifetime === null ? null : Math.round(lifetime),
    mrrGrowthRate: mrrGrowthRate(row.endMrr, row.startMrr),
  };
}

/** The headline metrics of `month` and of the month before, under the filters. */
export async function getSummary(
  db: Db,
  { orgId, month, ...options }: { orgId: string; month: string; filters?: AnyFilters },
): Promise<Summary> {
  const [[org], through, filters] = await Promise.all([
    db
      .select({ currency: organizations.currency, settings: organizations.settings })
      .from(organizations)
      .where(eq(organizations.id, orgId)),
    derivedThrough(db, orgId),
    resolveFilters(db, orgId, options.filters),
  ]);
  if (!org) throw notFound();
  if (through && month > through) {
    throw new AppError(422, `The revenue data reaches ${through}; ${month} is not known yet.`, {
      fieldErrors: { month: [`At most ${through}.`] },
    });
  }
  // Months m−7..m: LTV-1 of m−1 needs RATE-1 of m−7..m−2, and RATE-1 needs Active of the month before.
  // Separate statements, so a pooled Postgres connection set runs them side by side.
  const [rows, retention] = await Promise.all([
    getMovementDetails(db, { orgId, from: addMonths(month, -7), to: month, filters }),
    retentionSums(db, { orgId, month, filters, through: through ?? month }),
  ]);
  const context = {
    currency: org.currency,
    grossMargin: grossMarginFraction(org.settings.grossMarginPercent),
  };
  return {
    ...valuesFor(rows, { ...context, retention: retention.current }),
    previous: valuesFor(rows.slice(0, -1), { ...context, retention: retention.previous }),
  };
}

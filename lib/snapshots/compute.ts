import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { getEngagementForDay } from "@/db/queries/engagement";
import { getMovements, getSummary } from "@/db/queries/revenue";
import { derivedThrough } from "@/db/queries/revenue-filters";
import { queryRows, toNumber } from "@/db/rows";
import {
  financeMonths,
  type MetricsSnapshot,
  metricsSnapshots,
  type NewMetricsSnapshot,
  organizations,
  stripeConnections,
} from "@/db/schema";
import { notFound } from "@/lib/errors";
import { itemMrrOnSql } from "@/lib/metrics/derive";
import { grossMarginFraction } from "@/lib/metrics/rates";
import { metricPolicyOf } from "@/lib/orgs/organizations";
import { getStripeCounts } from "@/lib/stripe/counts";
import { addDays, lastCompleteDay, monthOfDay } from "./dates";

/*
 * One org's snapshot for one day (a calendar day in the org's timezone, ENG-1). Where each figure comes from:
 * - MRR, ARR, customers total, ARPA: the items on that day by MRR-1/MRR-2's point rule (itemMrrOnSql: the
 *   one the drill-down uses), so a backfilled history is right day by day; on a month's last day they equal
 *   the revenue engine's month-end MRR-3 / CUS-1 (tested).
 * - Rates (RATE-1…7, QR-1, LTV-1, GROW-1) and new/churned/reactivated customers: the revenue engine's
 *   figures for the day's month (month to date while the month runs), as on the ARR dashboard.
 * - DAU/WAU/MAU, stickiness, activation: ENG-2 and ENG-4 for the day (db/queries/engagement.ts).
 * - Import jobs: job_runs of the import-upload function queued that day.
 * - Cash, burn, runway (RUN-1), CAC payback (CAC-1): the finance inputs (finance_months).
 * - Stripe subscriptions by status and payment failures (null without a Stripe connection; see stripeCounts).
 */

export type SnapshotResult = MetricsSnapshot;

const IMPORT_FUNCTION = "import-upload";

export async function computeSnapshot(
  db: Db,
  { orgId, date }: { orgId: string; date: string },
): Promise<SnapshotResult> {
  const [org] = await db
    .select({
      currency: organizations.currency,
      timezone: organizations.timezone,
      settings: organizations.settings,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw notFound();
  const month = monthOfDay(date);
  const tz = org.timezone;

  const [day, monthly, engagement, jobs, finance, stripe] = await Promise.all([
    revenueOnDay(db, orgId, date, metricPolicyOf(org).pastDueChurnAfterDays),
    monthFigures(db, orgId, month),
    getEngagementForDay(db, { orgId, day: date }),
    importJobs(db, orgId, date, tz),
    financeFor(db, orgId, month),
    stripeCounts(db, orgId, date, tz, date >= lastCompleteDay(tz)),
  ]);

  const grossMargin = grossMarginFraction(org.settings.grossMarginPercent);
  // CAC-1: S&M spend of m−1 over (new MRR of m × gross margin); undefined without spend or new MRR.
  const newMrr = monthly?.newMrr ?? 0;
  const cacPayback =
    finance.previousSpend !== null && newMrr > 0 && grossMargin > 0
      ? finance.previousSpend / (newMrr * grossMargin)
      : null;

  const row: NewMetricsSnapshot = {
    orgId,
    date,
    currency: org.currency,
    mrr: day.mrr,
    arr: day.mrr * 12,
    arpa: day.customers > 0 ? Math.round(day.mrr / day.customers) : null,
    ltv: monthly?.summary.ltv ?? null,
    nrr12: monthly?.summary.nrr12 ?? null,
    grr12: monthly?.summary.grr12 ?? null,
    customerChurnRate: monthly?.summary.customerChurnRate ?? null,
    grossMrrChurnRate: monthly?.summary.grossMrrChurnRate ?? null,
    netMrrChurnRate: monthly?.summary.netMrrChurnRate ?? null,
    quickRatio: monthly?.summary.quickRatio ?? null,
    mrrGrowthRate: monthly?.summary.mrrGrowthRate ?? null,
    customersTotal: day.customers,
    customersNew: monthly?.newCustomers ?? 0,
    customersChurned: monthly?.churnedCustomers ?? 0,
    customersReactivated: monthly?.reactivatedCustomers ?? 0,
    dau: engagement.dau,
    wau: engagement.wau,
    mau: engagement.mau,
    stickiness: engagement.stickiness,
    activationStarted: engagement.activation.started,
    activationActivated: engagement.activation.activated,
    activationRate: engagement.activation.rate,
    jobsTotal: jobs.total,
    jobsSucceeded: jobs.succeeded,
    jobsFailed: jobs.failed,
    jobsAvgDurationMs: jobs.avgDurationMs,
    cash: finance.cash,
    burn: finance.burn,
    runwayMonths:
      finance.cash !== null && finance.burn !== null && finance.burn > 0 ? finance.cash / finance.burn : null,
    cacPaybackMonths: cacPayback,
    subscriptionsActive: stripe?.active ?? null,
    subscriptionsPastDue: stripe?.pastDue ?? null,
    subscriptionsCancelled: stripe?.cancelled ?? null,
    paymentFailures: stripe?.paymentFailures ?? null,
    computedAt: new Date(),
  };
  const { orgId: _o, date: _d, ...values } = row;
  const [stored] = await db
    .insert(metricsSnapshots)
    .values(row)
    .onConflictDoUpdate({ target: [metricsSnapshots.orgId, metricsSnapshots.date], set: values })
    .returning();
  if (!stored) throw new Error("snapshot upsert returned no row");
  return stored;
}

/** MRR and paying customers on `date` (MRR-1/MRR-2 point rule over the items alive that day). */
async function revenueOnDay(db: Db, orgId: string, date: string, pastDue: number | null) {
  const day = sql`${date}::date`;
  const [row] = await queryRows<{ mrr: unknown; customers: unknown }>(
    db,
    sql`
    SELECT coalesce(sum(mrr), 0) AS mrr, count(*) FILTER (WHERE mrr > 0) AS customers
    FROM (
      SELECT i.customer_id, sum(${itemMrrOnSql(day, pastDue)}) AS mrr
      FROM subscription_items i
      WHERE i.org_id = ${orgId} AND i.mrr > 0 AND i.start_date <= ${day}
        AND (i.end_date IS NULL OR i.end_date > ${day})
      GROUP BY i.customer_id
    ) c`,
  );
  return { mrr: toNumber(row?.mrr) ?? 0, customers: toNumber(row?.customers) ?? 0 };
}

/** The revenue engine's summary and movement counts of `month`; null when the engine has no such month. */
async function monthFigures(db: Db, orgId: string, month: string) {
  const through = await derivedThrough(db, orgId);
  if (!through || month > through) return null;
  const [summary, movements] = await Promise.all([
    getSummary(db, { orgId, month }),
    getMovements(db, { orgId, from: month, to: month }),
  ]);
  const m = movements[0];
  return {
    summary,
    newMrr: m?.new ?? 0,
    newCustomers: m?.newCustomers ?? 0,
    churnedCustomers: m?.churnedCustomers ?? 0,
    reactivatedCustomers: m?.reactivatedCustomers ?? 0,
  };
}

/** `[start, end)` of a local calendar day as timestamptz expressions. */
function dayRange(date: string, tz: string) {
  return {
    start: sql`(${date}::date::timestamp AT TIME ZONE ${tz})`,
    end: sql`((${date}::date + 1)::timestamp AT TIME ZONE ${tz})`,
  };
}

async function importJobs(db: Db, orgId: string, date: string, tz: string) {
  const { start, end } = dayRange(date, tz);
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`
    SELECT count(*) AS total,
      count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
      count(*) FILTER (WHERE status = 'failed') AS failed,
      round(avg(duration_ms) FILTER (WHERE status IN ('succeeded', 'failed'))) AS avg_ms
    FROM job_runs
    WHERE org_id = ${orgId} AND function_id = ${IMPORT_FUNCTION} AND queued_at >= ${start} AND queued_at < ${end}`,
  );
  return {
    total: toNumber(row?.total) ?? 0,
    succeeded: toNumber(row?.succeeded) ?? 0,
    failed: toNumber(row?.failed) ?? 0,
    avgDurationMs: toNumber(row?.avg_ms),
  };
}

/**
 * RUN-1 inputs as of `month`: cash = the latest month ≤ `month` with a cash balance; burn = the mean net burn
 * of the last three months with a burn figure up to `month` (fewer when fewer exist); S&M spend of m−1 (CAC-1).
 */
export async function financeFor(db: Db, orgId: string, month: string) {
  const rows = await db
    .select()
    .from(financeMonths)
    .where(sql`${financeMonths.orgId} = ${orgId} AND ${financeMonths.month} <= ${`${month}-01`}::date`)
    .orderBy(sql`${financeMonths.month} DESC`)
    .limit(36);
  const cash = rows.find((r) => r.cash !== null)?.cash ?? null;
  const burns = rows
    .filter((r) => r.netBurn !== null)
    .slice(0, 3)
    .map((r) => r.netBurn as number);
  const burn = burns.length ? Math.round(burns.reduce((a, b) => a + b, 0) / burns.length) : null;
  const previousMonth = `${monthOfDay(addDays(`${month}-01`, -1))}-01`;
  const previousSpend = rows.find((r) => r.month === previousMonth)?.salesMarketingSpend ?? null;
  return { cash, burn, previousSpend };
}

/**
 * Stripe's figures (lib/stripe/counts.ts, as on Settings → Stripe): null without a Stripe connection.
 * Subscriptions by status are today's state, so they are recorded only for the latest day (the nightly
 * snapshot and later); a backfilled day gets null for them. Payment failures count the day's
 * invoice.payment_failed webhook events, so they are right for any day.
 */
async function stripeCounts(db: Db, orgId: string, date: string, tz: string, recent: boolean) {
  const [connection] = await db
    .select({ orgId: stripeConnections.orgId })
    .from(stripeConnections)
    .where(eq(stripeConnections.orgId, orgId));
  if (!connection) return null;
  const { start, end } = dayRange(date, tz);
  const [bounds] = await queryRows<{ start: string; end: string }>(
    db,
    sql`SELECT to_char(${start} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS start,
               to_char(${end} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS end`,
  );
  if (!bounds) throw new Error("no day bounds");
  const counts = await getStripeCounts(db, { orgId, from: new Date(bounds.start), to: new Date(bounds.end) });
  return {
    active: recent ? counts.active : null,
    pastDue: recent ? counts.pastDue : null,
    cancelled: recent ? counts.canceled : null,
    paymentFailures: counts.paymentFailures,
  };
}

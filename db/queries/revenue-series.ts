import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows, toNumber } from "@/db/rows";
import { AppError } from "@/lib/errors";
import { monthlySumsSql } from "@/lib/metrics/derive";
import {
  type AnyFilters,
  addMonths,
  derivedThrough,
  isFiltered,
  monthDate,
  monthDiff,
  movementsSql,
  resolveFilters,
  type SqlFilters,
} from "./revenue-filters";

/*
 * Month-end MRR (MRR-3) and the MOV-1 movements per month, from the derived tables' monthly sums.
 * Money in integer cents of the org's reporting currency.
 */

export type MrrPoint = { month: string; mrr: number; activeCustomers: number };

export type MovementMonth = {
  month: string;
  /** MRR(m−1). */
  startMrr: number;
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
  /** MRR(m); MOV-2: endMrr = startMrr + new + expansion + reactivation − contraction − churn. */
  endMrr: number;
  /** CUS-1 Active(m). */
  activeCustomers: number;
  newCustomers: number;
  reactivatedCustomers: number;
  churnedCustomers: number;
};

/** A movement month plus Active(m−1), which RATE-1 needs. */
export type MovementMonthDetail = MovementMonth & { startActiveCustomers: number };

type RangeOptions = { orgId: string; from: string; to: string; filters?: AnyFilters };

/** Longest range one read may span: 50 years of months. */
const MAX_MONTHS = 600;

/**
 * The range actually read: `to` is cut at the last month the derived tables cover (later months are not
 * known yet, not zero); with no derived data every month is zero, which is the truth for an empty org.
 */
export async function readableRange(
  db: Db,
  { orgId, from, to }: { orgId: string; from: string; to: string },
) {
  if (monthDiff(from, to) < 0) {
    throw new AppError(422, "`from` is after `to`.", { fieldErrors: { from: ["After `to`."] } });
  }
  if (monthDiff(from, to) >= MAX_MONTHS) {
    throw new AppError(422, `Ask for at most ${MAX_MONTHS} months at a time.`, {
      fieldErrors: { from: [`At most ${MAX_MONTHS} months before \`to\`.`] },
    });
  }
  const through = await derivedThrough(db, orgId);
  return { from, to: through && through < to ? through : to, through };
}

/** MRR-3 and CUS-1 for every month of the range, months without revenue included as zeros. */
export async function getMrrSeries(db: Db, options: RangeOptions): Promise<MrrPoint[]> {
  return (await getMovementDetails(db, options)).map((r) => ({
    month: r.month,
    mrr: r.endMrr,
    activeCustomers: r.activeCustomers,
  }));
}

/** MOV-1 sums and counts per month of the range, with the MRR-3 and CUS-1 values either side (MOV-2). */
export async function getMovements(db: Db, options: RangeOptions): Promise<MovementMonth[]> {
  return (await getMovementDetails(db, options)).map(({ startActiveCustomers: _, ...row }) => row);
}

/** The MOV-1 sums per month under the filters: the stored org sums, or computed over the filtered movements. */
export function monthlySumsFor(orgId: string, filters: SqlFilters): SQL {
  return isFiltered(filters)
    ? monthlySumsSql(movementsSql(orgId, filters))
    : sql`SELECT * FROM revenue_monthly WHERE org_id = ${orgId}`;
}

/**
 * getMovements plus Active(m−1) per month. MRR-3 and CUS-1 at a month end are the running sums of the
 * movements through it (every customer starts from 0 with new business), so the org's monthly sums up to
 * `to` give every number; months before any revenue come out as 0.
 */
export async function getMovementDetails(db: Db, options: RangeOptions): Promise<MovementMonthDetail[]> {
  const { orgId } = options;
  const [{ from, to }, filters] = await Promise.all([
    readableRange(db, options),
    resolveFilters(db, orgId, options.filters),
  ]);
  if (from > to) return [];
  const rows = await queryRows<Record<string, unknown> & { month: string }>(
    db,
    sql`
    SELECT to_char(s.month, 'YYYY-MM') AS month, s.new, s.expansion, s.reactivation, s.contraction, s.churn,
      s.new_customers, s.reactivated_customers, s.churned_customers
    FROM (${monthlySumsFor(orgId, filters)}) s
    WHERE s.month <= ${monthDate(to)}::date ORDER BY s.month`,
  );
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  let endMrr = 0;
  let activeCustomers = 0;
  const out: MovementMonthDetail[] = [];
  // Months before the range only move the running sums.
  for (const r of rows) {
    if (r.month >= from) break;
    endMrr += net(r);
    activeCustomers += num(r.new_customers) + num(r.reactivated_customers) - num(r.churned_customers);
  }
  for (let month = from; month <= to; month = addMonths(month, 1)) {
    const r: Record<string, unknown> = byMonth.get(month) ?? {};
    const row = {
      month,
      new: num(r.new),
      expansion: num(r.expansion),
      reactivation: num(r.reactivation),
      contraction: num(r.contraction),
      churn: num(r.churn),
      newCustomers: num(r.new_customers),
      reactivatedCustomers: num(r.reactivated_customers),
      churnedCustomers: num(r.churned_customers),
    };
    const startMrr = endMrr;
    const startActiveCustomers = activeCustomers;
    endMrr = startMrr + net(r);
    activeCustomers =
      startActiveCustomers + row.newCustomers + row.reactivatedCustomers - row.churnedCustomers;
    out.push({ ...row, startMrr, endMrr, activeCustomers, startActiveCustomers });
  }
  return out;
}

/** MOV-2's net change of one month's sums. */
const net = (r: Record<string, unknown>) =>
  num(r.new) + num(r.expansion) + num(r.reactivation) - num(r.contraction) - num(r.churn);

/** A nullable aggregate as a number; SQL sums over no rows are null and mean 0 here. */
export const num = (value: unknown) => toNumber(value) ?? 0;

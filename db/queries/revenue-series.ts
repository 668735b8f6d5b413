import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows, toNumber } from "@/db/rows";
import { AppError } from "@/lib/errors";
import {
  type AnyFilters,
  derivedThrough,
  monthDate,
  monthDiff,
  monthlyMrrSql,
  movementsSql,
  resolveFilters,
} from "./revenue-filters";

/*
 * Month-end MRR (MRR-3) and the MOV-1 movements per month, aggregated in SQL from the derived tables.
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

type MonthSums = Omit<
  MovementMonthDetail,
  "startMrr" | "endMrr" | "activeCustomers" | "startActiveCustomers"
>;

/**
 * getMovements plus Active(m−1) per month. Reads the month-end MRR of `to` only, and walks back with
 * MOV-2 (MRR(m−1) = MRR(m) − net movements(m), Active likewise): one month of per-customer rows plus
 * the window's movements, instead of every customer in every month. Movements start from 0 at each
 * customer's first month, so months before any revenue come out as 0; the tests check the result
 * against month-end MRR computed independently.
 */
export async function getMovementDetails(db: Db, options: RangeOptions): Promise<MovementMonthDetail[]> {
  const { orgId } = options;
  const [{ from, to }, filters] = await Promise.all([
    readableRange(db, options),
    resolveFilters(db, orgId, options.filters),
  ]);
  if (from > to) return [];
  const [rows, [end]] = await Promise.all([
    queryRows<Record<string, unknown> & { month: string }>(
      db,
      sql`
      WITH mv AS (
        SELECT v.month,
          sum(v.mrr_after) FILTER (WHERE v.kind = 'new')::bigint AS new,
          sum(v.mrr_after - v.mrr_before) FILTER (WHERE v.kind = 'expansion')::bigint AS expansion,
          sum(v.mrr_after) FILTER (WHERE v.kind = 'reactivation')::bigint AS reactivation,
          sum(v.mrr_before - v.mrr_after) FILTER (WHERE v.kind = 'contraction')::bigint AS contraction,
          sum(v.mrr_before) FILTER (WHERE v.kind = 'churn')::bigint AS churn,
          count(*) FILTER (WHERE v.kind = 'new') AS new_customers,
          count(*) FILTER (WHERE v.kind = 'reactivation') AS reactivated_customers,
          count(*) FILTER (WHERE v.kind = 'churn') AS churned_customers
        FROM (${movementsSql(orgId, filters, { from, to })}) v GROUP BY v.month)
      SELECT to_char(gs, 'YYYY-MM') AS month, mv.new, mv.expansion, mv.reactivation, mv.contraction, mv.churn,
        mv.new_customers, mv.reactivated_customers, mv.churned_customers
      FROM generate_series(${monthDate(from)}::date, ${monthDate(to)}::date, interval '1 month') gs
      LEFT JOIN mv ON mv.month = gs::date
      ORDER BY gs DESC`,
    ),
    queryRows<{ mrr: unknown; active: unknown }>(
      db,
      sql`SELECT sum(m.mrr)::bigint AS mrr, count(*) AS active
        FROM (${monthlyMrrSql(orgId, filters, { from: to, to })}) m`,
    ),
  ]);
  let endMrr = num(end?.mrr);
  let activeCustomers = num(end?.active);
  const out: MovementMonthDetail[] = [];
  for (const r of rows) {
    const m: MonthSums = {
      month: r.month,
      new: num(r.new),
      expansion: num(r.expansion),
      reactivation: num(r.reactivation),
      contraction: num(r.contraction),
      churn: num(r.churn),
      newCustomers: num(r.new_customers),
      reactivatedCustomers: num(r.reactivated_customers),
      churnedCustomers: num(r.churned_customers),
    };
    const startMrr = endMrr - (m.new + m.expansion + m.reactivation - m.contraction - m.churn);
    const startActiveCustomers =
      activeCustomers - m.newCustomers - m.reactivatedCustomers + m.churnedCustomers;
    out.push({ ...m, startMrr, endMrr, activeCustomers, startActiveCustomers });
    endMrr = startMrr;
    activeCustomers = startActiveCustomers;
  }
  return out.reverse();
}

/** A nullable aggregate as a number; SQL sums over no rows are null and mean 0 here. */
export const num = (value: unknown) => toNumber(value) ?? 0;

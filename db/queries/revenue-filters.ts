import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { movementsFromChangesSql } from "@/lib/metrics/derive";

/*
 * What every revenue read shares: the filters, month arithmetic, and the relations filtered reads
 * aggregate, all org-scoped:
 *   movementsSql   (customer_id, month, kind, mrr_before, mrr_after, next_month)   MOV-1 rows
 *   mrrAtSql       (customer_id, mrr)   MRR-3 per customer at one month end, MRR > 0 only
 * Unfiltered reads add up the org sums (revenue_monthly, revenue_cohorts, revenue_retention); filtered
 * ones compute the same sums (lib/metrics/derive.ts) over the filtered movements. Customer attributes
 * are a join on customers; a plan filter recomputes movements from those plans' stored changes, which
 * the plan index of customer_plan_changes lists by plan in customer and month order.
 */

/** Plans by external id; customer attributes compared case-insensitively. Empty or absent = no filter. */
export type RevenueFilters = {
  plans?: string[];
  countries?: string[];
  segments?: string[];
  industries?: string[];
};

/** A month as `YYYY-MM`, years 1900–2999 (every date the derived tables can hold). */
export const ZMonth = z.string().regex(/^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/, "Use a month as YYYY-MM.");

/** `YYYY-MM` moved by n months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Months from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function monthDiff(from: string, to: string): number {
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

/** The derived tables' `month` value (first day) of a `YYYY-MM`. */
export const monthDate = (month: string) => `${month}-01`;

/** The current UTC month. */
export const currentMonth = (now = new Date()) => now.toISOString().slice(0, 7);

/** The last month the org's derived tables cover; null before the first rebuild (no revenue data). */
export async function derivedThrough(db: Db, orgId: string): Promise<string | null> {
  const [row] = await queryRows<{ through: string }>(
    db,
    sql`SELECT to_char(through_month, 'YYYY-MM') AS through FROM revenue_derived_state WHERE org_id = ${orgId}`,
  );
  return row?.through ?? null;
}

const clean = (values: readonly string[] | undefined) => [
  ...new Set((values ?? []).map((v) => v.trim()).filter(Boolean)),
];

/** Filters with blanks and duplicates dropped, so "no filter" has one shape. */
export function normaliseFilters(filters: RevenueFilters = {}): Required<RevenueFilters> {
  return {
    plans: clean(filters.plans),
    countries: clean(filters.countries),
    segments: clean(filters.segments),
    industries: clean(filters.industries),
  };
}

/**
 * Filters ready for SQL: plans by external id (empty: no filter); customer attributes as the org stores
 * them (null: no filter, empty: matches nothing).
 */
export type SqlFilters = {
  readonly resolved: true;
  plans: string[];
  /** The org's plan ids of `plans` (what customer_plan_changes's plan index is keyed by). */
  planIds: string[];
  countries: string[] | null;
  segments: string[] | null;
  industries: string[] | null;
};

/** What the read functions accept: filters as given, or already resolved by an outer read. */
export type AnyFilters = RevenueFilters | SqlFilters;

const ATTRIBUTES = [
  ["countries", "country"],
  ["segments", "segment"],
  ["industries", "industry"],
] as const;

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * Matches attribute values case-insensitively against the org's stored spellings ("us" → "US", "us"),
 * so the reads compare stored values exactly. The planner estimates `country IN (...)` from column
 * statistics; its guess for `lower(country) IN (...)` was some 30× too low and chose nested loops that ran
 * twice as long at 100,000 customers.
 */
export async function resolveFilters(db: Db, orgId: string, filters?: AnyFilters): Promise<SqlFilters> {
  if (filters && "resolved" in filters) return filters;
  const f = normaliseFilters(filters);
  const out: SqlFilters = {
    resolved: true,
    plans: f.plans,
    planIds: [],
    countries: null,
    segments: null,
    industries: null,
  };
  if (f.plans.length) {
    const plans = await queryRows<{ id: string }>(db, sql`SELECT id FROM ${planIds(orgId, f.plans)} p`);
    out.planIds = plans.map((p) => p.id);
  }
  const wanted = ATTRIBUTES.filter(([key]) => f[key].length);
  if (!wanted.length) return out;
  const rows = await queryRows<{ attr: string; value: string }>(
    db,
    sql.join(
      wanted.map(
        ([key, column]) => sql`
        SELECT DISTINCT ${key}::text AS attr, ${sql.identifier(column)} AS value FROM customers
        WHERE org_id = ${orgId} AND lower(${sql.identifier(column)}) IN (${list(f[key].map((v) => v.toLowerCase()))})`,
      ),
      sql` UNION ALL `,
    ),
  );
  for (const [key] of wanted) out[key] = rows.filter((r) => r.attr === key).map((r) => r.value);
  return out;
}

/** `JOIN customers` restricted to the attribute filters, or nothing when there are none. */
function customerJoin(orgId: string, f: SqlFilters, customerColumn: SQL): SQL {
  const conditions: SQL[] = ATTRIBUTES.flatMap(([key, column]) => {
    const values = f[key];
    if (values === null) return [];
    return [
      values.length ? sql`${sql.identifier("c")}.${sql.identifier(column)} IN (${list(values)})` : sql`false`,
    ];
  });
  if (!conditions.length) return sql``;
  return sql`JOIN customers c ON c.id = ${customerColumn} AND c.org_id = ${orgId} AND ${sql.join(conditions, sql` AND `)}`;
}

/** The ids of the org's plans with these external ids, as a parenthesised subquery. */
export const planIds = (orgId: string, plans: readonly string[]) =>
  sql`(SELECT id FROM plans WHERE org_id = ${orgId} AND external_id IN (${list(plans)}))`;

/** Whether any filter applies: unfiltered reads use the org sums, filtered ones aggregate movements. */
export const isFiltered = (f: SqlFilters) =>
  f.plans.length > 0 || ATTRIBUTES.some(([key]) => f[key] !== null);

/**
 * MOV-1 rows (customer_id, month, kind, mrr_before, mrr_after, next_month) of every month under the
 * filters, each included customer's whole history. Without a plan filter they are the stored movements;
 * with one, they are recomputed from the chosen plans' stored changes (MOV-1 over the customer's MRR on
 * those plans: moving off them is churn there, the first month on them is new business there).
 */
export function movementsSql(orgId: string, f: SqlFilters): SQL {
  if (!f.plans.length) {
    return sql`
      SELECT mv.customer_id, mv.month, mv.kind, mv.mrr_before, mv.mrr_after, mv.next_month
      FROM customer_movements mv ${customerJoin(orgId, f, sql`mv.customer_id`)}
      WHERE mv.org_id = ${orgId}`;
  }
  return movementsFromChangesSql(sql`
    SELECT pc.customer_id, pc.month, pc.delta FROM customer_plan_changes pc
    ${customerJoin(orgId, f, sql`pc.customer_id`)}
    WHERE ${planChangesOf(orgId, f)}`);
}

/**
 * The condition on customer_plan_changes `pc` for the chosen plans' rows, by plan id: the plan index
 * (org, plan, customer, month, delta) then reads them alone, in customer and month order.
 */
function planChangesOf(orgId: string, f: SqlFilters): SQL {
  return sql`pc.org_id = ${orgId} AND pc.plan_id = ANY(${`{${f.planIds.join(",")}}`}::uuid[])`;
}

/** MOV-1 rows of one month under the filters. */
export function movementsInMonthSql(orgId: string, f: SqlFilters, month: string): SQL {
  if (!f.plans.length) {
    return sql`${movementsSql(orgId, f)} AND mv.month = ${monthDate(month)}::date`;
  }
  return sql`SELECT * FROM (${movementsSql(orgId, f)}) mv WHERE mv.month = ${monthDate(month)}::date`;
}

/**
 * (customer_id, mrr): MRR-3 at the end of `month` per customer under the filters, MRR > 0 only: the
 * customer's last movement at or before the month, if it still holds then. `latest`: `month` is at or
 * after the last month the derived tables cover.
 */
export function mrrAtSql(orgId: string, f: SqlFilters, month: string, { latest = false } = {}): SQL {
  const m = sql`${monthDate(month)}::date`;
  if (f.plans.length) {
    // Under a plan filter a customer's MRR is the sum of its changes on those plans through the month
    // (MRR-3), which needs no MOV-1 window.
    return sql`
      SELECT pc.customer_id, sum(pc.delta)::bigint AS mrr FROM customer_plan_changes pc
      ${customerJoin(orgId, f, sql`pc.customer_id`)}
      WHERE ${planChangesOf(orgId, f)} AND pc.month <= ${m}
      GROUP BY pc.customer_id HAVING sum(pc.delta) > 0`;
  }
  // At or after the last derived month, every customer's last movement still holds (and the stored
  // table has an index of exactly those).
  const holds = latest
    ? sql`mv.next_month IS NULL`
    : sql`mv.month <= ${m} AND (mv.next_month IS NULL OR mv.next_month > ${m})`;
  return sql`
    SELECT mv.customer_id, mv.mrr_after AS mrr FROM (${movementsSql(orgId, f)}) mv
    WHERE ${holds} AND mv.mrr_after > 0`;
}

/** The month a report shows when none is named: the current month, or the last one with data if earlier. */
export async function defaultReportMonth(db: Db, orgId: string, now = new Date()): Promise<string> {
  const through = await derivedThrough(db, orgId);
  const current = currentMonth(now);
  return through && through < current ? through : current;
}

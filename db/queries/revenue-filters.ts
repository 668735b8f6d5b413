import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { movementsSelect } from "@/lib/metrics/derive";

/*
 * What every revenue read shares: the filters, month arithmetic, and the two relations the reads
 * aggregate, both org-scoped and cut to a month window:
 *   monthlyMrrSql   (customer_id, month, mrr)   MRR-3 per customer and month end, MRR > 0 only
 *   movementsSql    (customer_id, month, kind, mrr_before, mrr_after)   MOV-1 rows
 * Without a plan filter both read the precomputed tables (customer attributes are a join on customers);
 * with one, MRR is the customer's MRR on those plans and movements are recomputed from it (MOV-1 over
 * the filtered MRR: moving a customer off a filtered plan is churn under that filter).
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
    countries: null,
    segments: null,
    industries: null,
  };
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

type Window = { from?: string; to?: string };

function monthBounds(column: SQL, { from, to }: Window): SQL {
  return sql`${from ? sql`AND ${column} >= ${monthDate(from)}::date` : sql``} ${
    to ? sql`AND ${column} <= ${monthDate(to)}::date` : sql``
  }`;
}

/** MRR-3 per customer and month end within the window, under the filters (rows with MRR > 0 only). */
export function monthlyMrrSql(orgId: string, f: SqlFilters, window: Window): SQL {
  if (!f.plans.length) {
    return sql`
      SELECT cm.customer_id, cm.month, cm.mrr FROM customer_mrr_monthly cm
      ${customerJoin(orgId, f, sql`cm.customer_id`)}
      WHERE cm.org_id = ${orgId} ${monthBounds(sql`cm.month`, window)}`;
  }
  return sql`
    SELECT pm.customer_id, pm.month, sum(pm.mrr)::bigint AS mrr FROM customer_plan_mrr_monthly pm
    ${customerJoin(orgId, f, sql`pm.customer_id`)}
    WHERE pm.org_id = ${orgId} AND pm.plan_id IN ${planIds(orgId, f.plans)} ${monthBounds(sql`pm.month`, window)}
    GROUP BY pm.customer_id, pm.month`;
}

/** MOV-1 rows of the months `from`..`to` under the filters, with reactivation judged on all history. */
export function movementsSql(orgId: string, f: SqlFilters, { from, to }: { from: string; to: string }): SQL {
  if (!f.plans.length) {
    return sql`
      SELECT mv.customer_id, mv.month, mv.kind, mv.mrr_before, mv.mrr_after FROM customer_movements mv
      ${customerJoin(orgId, f, sql`mv.customer_id`)}
      WHERE mv.org_id = ${orgId} ${monthBounds(sql`mv.month`, { from, to })}`;
  }
  // movementsSelect wants each customer's whole history, but only "did it have MRR on these plans
  // before the window" matters for new vs reactivation: the window's months from `from`−1, plus one
  // marker row at `from`−2 for customers with earlier history. The marker's own movements fall before
  // `from` and are cut; it only makes the customer's first month precede the window.
  const before = addMonths(from, -1);
  const marker = addMonths(from, -2);
  const windowRows = monthlyMrrSql(orgId, f, { from: before, to });
  const monthly = sql`
    WITH win AS (${windowRows})
    SELECT customer_id, month, mrr FROM win
    UNION ALL
    SELECT w.customer_id, ${monthDate(marker)}::date, 1::bigint
    FROM (SELECT DISTINCT customer_id FROM win) w
    WHERE EXISTS (
      SELECT 1 FROM customer_plan_mrr_monthly h
      WHERE h.org_id = ${orgId} AND h.customer_id = w.customer_id AND h.month < ${monthDate(before)}::date
        AND h.plan_id IN ${planIds(orgId, f.plans)})`;
  return sql`
    SELECT mv.customer_id, mv.month, mv.kind, mv.mrr_before, mv.mrr_after
    FROM (${movementsSelect(monthly, orgId, monthDate(to))}) mv
    WHERE mv.month >= ${monthDate(from)}::date`;
}

/** The month a report shows when none is named: the current month, or the last one with data if earlier. */
export async function defaultReportMonth(db: Db, orgId: string, now = new Date()): Promise<string> {
  const through = await derivedThrough(db, orgId);
  const current = currentMonth(now);
  return through && through < current ? through : current;
}

import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import type { MovementKind } from "@/db/schema";
import { itemMrrOnSql, movementsFromChangesSql, pastDueChurnAfterDays } from "@/lib/metrics/derive";
import {
  type AnyFilters,
  addMonths,
  derivedThrough,
  monthDate,
  movementsInMonthSql,
  movementsSql,
  mrrAtSql,
  planIds,
  resolveFilters,
  type SqlFilters,
} from "./revenue-filters";
import { num } from "./revenue-series";

/*
 * The customers behind the numbers: the largest customers at a month end, the customers (and their
 * subscription items) behind one kind of movement in one month, and the customers of one cohort.
 */

export type TopCustomer = {
  customerId: string;
  externalId: string;
  name: string;
  /** MRR-3 at the month end, cents, under the filters. */
  mrr: number;
  /** Names of the plans the MRR comes from (under a plan filter, only those plans). */
  plans: string[];
  /** The month of the customer's first MRR > 0 (its new-business movement), over all its revenue. */
  customerSince: string;
  /** The customer's last MOV-1 movement at or before the month, under the filters (as its MRR). */
  lastMovement: { kind: MovementKind; month: string } | null;
};

/** The customers with the highest MRR at the end of `month`, largest first. */
export async function getTopCustomers(
  db: Db,
  { orgId, month, limit, filters }: { orgId: string; month: string; limit: number; filters?: AnyFilters },
): Promise<TopCustomer[]> {
  const [f, through] = await Promise.all([resolveFilters(db, orgId, filters), derivedThrough(db, orgId)]);
  const planFilter = f.plans.length ? sql`AND pc.plan_id IN ${planIds(orgId, f.plans)}` : sql``;
  const latest = through !== null && month >= through;
  const rows = await queryRows<{
    customer_id: string;
    external_id: string;
    name: string;
    mrr: unknown;
    since: string;
    plans: string[] | null;
  }>(
    db,
    sql`
    WITH top AS (
      SELECT m.customer_id, m.mrr FROM (${mrrAtSql(orgId, f, month, { latest })}) m
      ORDER BY m.mrr DESC, m.customer_id LIMIT ${Math.max(0, Math.floor(limit))})
    SELECT t.customer_id, c.external_id, c.name, t.mrr,
      (SELECT to_char(h.month, 'YYYY-MM') FROM customer_movements h
        WHERE h.org_id = ${orgId} AND h.customer_id = t.customer_id AND h.kind = 'new') AS since,
      (SELECT array_agg(p.name ORDER BY p.name) FROM plans p
        WHERE p.org_id = ${orgId} AND p.id IN (
          SELECT pc.plan_id FROM customer_plan_changes pc
          WHERE pc.org_id = ${orgId} AND pc.customer_id = t.customer_id AND pc.month <= ${monthDate(month)}::date ${planFilter}
          GROUP BY pc.plan_id HAVING sum(pc.delta) > 0)) AS plans
    FROM top t JOIN customers c ON c.id = t.customer_id AND c.org_id = ${orgId}
    ORDER BY t.mrr DESC, c.name, c.id`,
  );
  const last = await lastMovements(db, {
    orgId,
    filters: f,
    month,
    customerIds: rows.map((r) => r.customer_id),
  });
  return rows.map((r) => ({
    customerId: r.customer_id,
    externalId: r.external_id,
    name: r.name,
    mrr: num(r.mrr),
    plans: r.plans ?? [],
    customerSince: r.since,
    lastMovement: last.get(r.customer_id) ?? null,
  }));
}

/**
 * Each customer's last MOV-1 movement at or before the end of `month`, under the filters: the stored
 * movements, or (with a plan filter) MOV-1 recomputed from those plans' changes of these customers only.
 */
async function lastMovements(
  db: Db,
  {
    orgId,
    filters,
    month,
    customerIds,
  }: { orgId: string; filters: SqlFilters; month: string; customerIds: string[] },
): Promise<Map<string, { kind: MovementKind; month: string }>> {
  if (!customerIds.length) return new Map();
  // One array parameter however many customers (uuids read from the database).
  const ids = `{${customerIds.join(",")}}`;
  const movements = filters.plans.length
    ? movementsFromChangesSql(sql`
        SELECT pc.customer_id, pc.month, pc.delta FROM customer_plan_changes pc
        WHERE pc.org_id = ${orgId} AND pc.customer_id = ANY(${ids}::uuid[])
          AND pc.plan_id IN ${planIds(orgId, filters.plans)}`)
    : sql`SELECT customer_id, month, kind FROM customer_movements
        WHERE org_id = ${orgId} AND customer_id = ANY(${ids}::uuid[])`;
  const rows = await queryRows<{ customer_id: string; kind: MovementKind; month: string }>(
    db,
    sql`
    SELECT DISTINCT ON (x.customer_id) x.customer_id, x.kind::text AS kind, to_char(x.month, 'YYYY-MM') AS month
    FROM (${movements}) x WHERE x.month <= ${monthDate(month)}::date
    ORDER BY x.customer_id, x.month DESC`,
  );
  return new Map(rows.map((r) => [r.customer_id, { kind: r.kind, month: r.month }]));
}

export type CohortCustomer = {
  customerId: string;
  externalId: string;
  name: string;
  /** The customer's new-business MRR (its MRR at the end of the cohort month), cents. */
  startMrr: number;
  /** MRR-3 at the end of the cell's month, cents; 0 when the customer is not retained (COH-1). */
  endMrr: number;
};

export type CohortCell = {
  /** N(c) and L(c,k) of COH-1, and the cohort's starting MRR and its MRR at the end of c+k (cents). */
  customers: number;
  retained: number;
  startMrr: number;
  endMrr: number;
  /** The cohort's customers, largest starting MRR first (then by name), at most `limit`. */
  rows: CohortCustomer[];
};

/**
 * The customers behind one cohort heatmap cell (COH-1): the customers whose new-business movement is in
 * `cohort`, under the filters, with their starting MRR and their MRR at the end of `month` (c+k). The
 * totals are over the whole cohort, so they equal the heatmap's counts whatever `limit` is.
 */
export async function getCohortCustomers(
  db: Db,
  {
    orgId,
    cohort,
    month,
    filters,
    limit,
  }: { orgId: string; cohort: string; month: string; filters?: AnyFilters; limit?: number },
): Promise<CohortCell> {
  const [f, through] = await Promise.all([resolveFilters(db, orgId, filters), derivedThrough(db, orgId)]);
  const latest = through !== null && month >= through;
  const page = limit === undefined ? sql`` : sql`LIMIT ${Math.max(0, Math.floor(limit))}`;
  const rows = await queryRows<{
    customer_id: string;
    external_id: string;
    name: string;
    start_mrr: unknown;
    end_mrr: unknown;
    n: unknown;
    retained: unknown;
    start_total: unknown;
    end_total: unknown;
  }>(
    db,
    sql`
    SELECT co.customer_id, c.external_id, c.name, co.start_mrr, coalesce(e.mrr, 0) AS end_mrr,
      count(*) OVER () AS n, count(e.mrr) OVER () AS retained,
      sum(co.start_mrr) OVER () AS start_total, sum(coalesce(e.mrr, 0)) OVER () AS end_total
    FROM (
      SELECT mv.customer_id, mv.mrr_after AS start_mrr FROM (${movementsSql(orgId, f)}) mv
      WHERE mv.kind = 'new' AND mv.month = ${monthDate(cohort)}::date
    ) co
    JOIN customers c ON c.id = co.customer_id AND c.org_id = ${orgId}
    LEFT JOIN (${mrrAtSql(orgId, f, month, { latest })}) e ON e.customer_id = co.customer_id
    ORDER BY co.start_mrr DESC, c.name, c.id
    ${page}`,
  );
  const first = rows[0];
  return {
    customers: num(first?.n),
    retained: num(first?.retained),
    startMrr: num(first?.start_total),
    endMrr: num(first?.end_total),
    rows: rows.map((r) => ({
      customerId: r.customer_id,
      externalId: r.external_id,
      name: r.name,
      startMrr: num(r.start_mrr),
      endMrr: num(r.end_mrr),
    })),
  };
}

export type ChangedItem = {
  itemId: string;
  externalId: string;
  source: string;
  planExternalId: string | null;
  planName: string | null;
  status: string;
  startDate: string;
  endDate: string | null;
  /** The item's MRR contribution (MRR-1 after trial, pause and past-due rules) at each month end. */
  mrrBefore: number;
  mrrAfter: number;
  change: "started" | "ended" | "changed";
};

export type MovementCustomer = {
  customerId: string;
  externalId: string;
  name: string;
  /** MRR at the end of m−1 and of m (MOV-1's p and q), cents, under the filters. */
  mrrBefore: number;
  mrrAfter: number;
  /** The customer's items whose contribution differs between the two month ends. */
  items: ChangedItem[];
};

type MovementQuery = { orgId: string; month: string; kind: MovementKind; filters?: AnyFilters };

function moversSql({ orgId, month, kind }: MovementQuery, filters: SqlFilters): SQL {
  return sql`
    SELECT mv.customer_id, mv.mrr_before, mv.mrr_after
    FROM (${movementsInMonthSql(orgId, filters, month)}) mv
    WHERE mv.kind = ${kind}::movement_kind`;
}

/** How many customers getMovementCustomers lists (without limit and offset), for paging. */
export async function countMovementCustomers(db: Db, query: MovementQuery): Promise<number> {
  const filters = await resolveFilters(db, query.orgId, query.filters);
  const [row] = await queryRows<{ n: unknown }>(
    db,
    sql`SELECT count(*) AS n FROM (${moversSql(query, filters)}) m`,
  );
  return num(row?.n);
}

/**
 * The customers behind one MOV-1 kind in `month`, largest movement first (then by name), with the items
 * that changed; `limit` and `offset` page through them (default: all).
 */
export async function getMovementCustomers(
  db: Db,
  query: MovementQuery & { limit?: number; offset?: number },
): Promise<MovementCustomer[]> {
  const { orgId, month } = query;
  const f = await resolveFilters(db, orgId, query.filters);
  const page = sql`${query.limit === undefined ? sql`` : sql`LIMIT ${Math.max(0, Math.floor(query.limit))}`}
    OFFSET ${Math.max(0, Math.floor(query.offset ?? 0))}`;
  const customers = await queryRows<{
    customer_id: string;
    external_id: string;
    name: string;
    mrr_before: unknown;
    mrr_after: unknown;
  }>(
    db,
    sql`
    SELECT m.customer_id, c.external_id, c.name, m.mrr_before, m.mrr_after
    FROM (${moversSql(query, f)}) m JOIN customers c ON c.id = m.customer_id AND c.org_id = ${orgId}
    ORDER BY abs(m.mrr_after - m.mrr_before) DESC, c.name, c.id
    ${page}`,
  );
  if (!customers.length) return [];

  const pastDueDays = await pastDueChurnAfterDays(db, orgId);
  const beforeEnd = sql`(${monthDate(month)}::date - 1)`;
  const afterEnd = sql`(${monthDate(addMonths(month, 1))}::date - 1)`;
  const planFilter = f.plans.length ? sql`AND i.plan_id IN ${planIds(orgId, f.plans)}` : sql``;
  // One array parameter however many customers the page has (uuids from the query above).
  const customerIds = `{${customers.map((c) => c.customer_id).join(",")}}`;
  const items = await queryRows<Record<string, unknown> & { customer_id: string }>(
    db,
    sql`
    SELECT * FROM (
      SELECT i.id, i.customer_id, i.external_id, i.source, i.status,
        to_char(i.start_date, 'YYYY-MM-DD') AS start_date, to_char(i.end_date, 'YYYY-MM-DD') AS end_date,
        p.external_id AS plan_external_id, p.name AS plan_name,
        ${itemMrrOnSql(beforeEnd, pastDueDays)} AS mrr_before,
        ${itemMrrOnSql(afterEnd, pastDueDays)} AS mrr_after
      FROM subscription_items i LEFT JOIN plans p ON p.id = i.plan_id
      WHERE i.org_id = ${orgId} AND i.customer_id = ANY(${customerIds}::uuid[]) ${planFilter}
    ) x
    WHERE x.mrr_before <> x.mrr_after
    ORDER BY abs(x.mrr_after - x.mrr_before) DESC, x.external_id`,
  );
  const byCustomer = new Map<string, ChangedItem[]>();
  for (const r of items) {
    const before = num(r.mrr_before);
    const after = num(r.mrr_after);
    const list = byCustomer.get(r.customer_id) ?? [];
    list.push({
      itemId: String(r.id),
      externalId: String(r.external_id),
      source: String(r.source),
      planExternalId: (r.plan_external_id as string | null) ?? null,
      planName: (r.plan_name as string | null) ?? null,
      status: String(r.status),
      startDate: String(r.start_date),
      endDate: (r.end_date as string | null) ?? null,
      mrrBefore: before,
      mrrAfter: after,
      change: before === 0 ? "started" : after === 0 ? "ended" : "changed",
    });
    byCustomer.set(r.customer_id, list);
  }
  return customers.map((c) => ({
    customerId: c.customer_id,
    externalId: c.external_id,
    name: c.name,
    mrrBefore: num(c.mrr_before),
    mrrAfter: num(c.mrr_after),
    items: byCustomer.get(c.customer_id) ?? [],
  }));
}

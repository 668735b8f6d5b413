import { and, asc, desc, eq, ilike, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows, toNumber } from "@/db/rows";
import {
  customerMovements,
  customers,
  type MovementKind,
  plans,
  subscriptionItems,
  uploads,
} from "@/db/schema";

/*
 * Reads for the customer pages. Current MRR is the derived month-end value of the current month
 * (MRR-3 per customer: the customer's last movement in customer_movements up to that month), never
 * recomputed from items here. Months are UTC, as in
 * lib/metrics/derive.ts.
 */

export const CUSTOMERS_PAGE_SIZE = 50;

/** First day of `asOf`'s month, `YYYY-MM-01` (UTC). */
export function monthOf(asOf: Date): string {
  return new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1)).toISOString().slice(0, 10);
}

const dayOf = (asOf: Date) => asOf.toISOString().slice(0, 10);

/** `%`, `_` and `\` are LIKE wildcards: a search for "50%" means the text, not a pattern. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export type CustomerListRow = {
  id: string;
  externalId: string;
  name: string;
  country: string | null;
  segment: string | null;
  /** MRR at the end of the current month, reporting-currency minor units. */
  mrr: number;
  /** Items in service on `asOf` (start ≤ day < end, MRR-2). */
  activeItems: number;
};

// The outer query's row, qualified: drizzle writes a single table's columns unqualified, and inside a
// subquery an unqualified "id" would mean the subquery's own table.
const outerOrg = sql.raw(`"customers"."org_id"`);
const outerId = sql.raw(`"customers"."id"`);

/** The customer's MRR-3 at the end of `month` (YYYY-MM-01): its last movement's MRR after, or 0. */
const mrrAt = (month: string) => sql<number>`coalesce((
  SELECT m.mrr_after FROM ${customerMovements} m
  WHERE m.org_id = ${outerOrg} AND m.customer_id = ${outerId} AND m.month <= ${month}::date
  ORDER BY m.month DESC LIMIT 1), 0)`;

/** One page of an org's customers by name, with current MRR and active items; `total` counts all matches. */
export async function listCustomers(
  db: Db,
  {
    orgId,
    q,
    page = 1,
    pageSize = CUSTOMERS_PAGE_SIZE,
    asOf = new Date(),
  }: { orgId: string; q?: string; page?: number; pageSize?: number; asOf?: Date },
): Promise<{ rows: CustomerListRow[]; total: number }> {
  const search = q?.trim();
  const where = and(
    eq(customers.orgId, orgId),
    search ? ilike(customers.name, `%${likeEscape(search)}%`) : undefined,
  );
  const month = monthOf(asOf);
  const day = dayOf(asOf);
  const activeItems = sql<number>`(
    SELECT count(*)::int FROM ${subscriptionItems} i
    WHERE i.org_id = ${outerOrg} AND i.customer_id = ${outerId}
      AND i.start_date <= ${day}::date AND (i.end_date IS NULL OR i.end_date > ${day}::date))`;
  const [rows, [count]] = await Promise.all([
    db
      .select({
        id: customers.id,
        externalId: customers.externalId,
        name: customers.name,
        country: customers.country,
        segment: customers.segment,
        mrr: mrrAt(month).mapWith(Number),
        activeItems: activeItems.mapWith(Number),
      })
      .from(customers)
      .where(where)
      .orderBy(asc(customers.name), asc(customers.id))
      .limit(pageSize)
      .offset((Math.max(1, Math.floor(page)) - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)`.mapWith(Number) })
      .from(customers)
      .where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

/** One customer of the org, or undefined (another org's customer is simply not found). */
export async function getCustomer(db: Db, { orgId, customerId }: { orgId: string; customerId: string }) {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, customerId)));
  return row;
}

/**
 * The customer's MRR at the last `months` month ends, oldest first, ending with the current month
 * (its end is still ahead: the value is what the items give at that day). Months without a row are 0.
 */
export async function getCustomerMrrHistory(
  db: Db,
  {
    orgId,
    customerId,
    months = 12,
    asOf = new Date(),
  }: { orgId: string; customerId: string; months?: number; asOf?: Date },
): Promise<{ month: string; mrr: number }[]> {
  const current = monthOf(asOf);
  const rows = await queryRows<{ month: string; mrr: unknown }>(
    db,
    sql`
    SELECT to_char(m.month, 'YYYY-MM-DD') AS month,
      coalesce((SELECT c.mrr_after FROM ${customerMovements} c
        WHERE c.org_id = ${orgId} AND c.customer_id = ${customerId} AND c.month <= m.month::date
        ORDER BY c.month DESC LIMIT 1), 0) AS mrr
    FROM generate_series(${current}::date - make_interval(months => ${months - 1}), ${current}::date, interval '1 month') AS m(month)
    ORDER BY m.month`,
  );
  return rows.map((r) => ({ month: r.month, mrr: toNumber(r.mrr) ?? 0 }));
}

/** The customer's subscription items with their plan name, newest start first. */
export async function listCustomerItems(
  db: Db,
  { orgId, customerId }: { orgId: string; customerId: string },
) {
  return db
    .select({
      id: subscriptionItems.id,
      externalId: subscriptionItems.externalId,
      source: subscriptionItems.source,
      planName: plans.name,
      quantity: subscriptionItems.quantity,
      unitAmount: subscriptionItems.unitAmount,
      currency: subscriptionItems.currency,
      intervalUnit: subscriptionItems.intervalUnit,
      intervalCount: subscriptionItems.intervalCount,
      discountPercent: subscriptionItems.discountPercent,
      discountAmount: subscriptionItems.discountAmount,
      startDate: subscriptionItems.startDate,
      endDate: subscriptionItems.endDate,
      status: subscriptionItems.status,
      mrr: subscriptionItems.mrr,
    })
    .from(subscriptionItems)
    .leftJoin(plans, and(eq(plans.orgId, subscriptionItems.orgId), eq(plans.id, subscriptionItems.planId)))
    .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.customerId, customerId)))
    .orderBy(desc(subscriptionItems.startDate), asc(subscriptionItems.externalId));
}

export type CustomerItem = Awaited<ReturnType<typeof listCustomerItems>>[number];

export type CustomerMovement = {
  /** `YYYY-MM`. */
  month: string;
  kind: MovementKind;
  /** MRR at the end of the month before and of the month (MOV-1's p and q), reporting-currency cents. */
  mrrBefore: number;
  mrrAfter: number;
};

/** The customer's MOV-1 movements over its whole history, newest first. */
export async function listCustomerMovements(
  db: Db,
  { orgId, customerId }: { orgId: string; customerId: string },
): Promise<CustomerMovement[]> {
  const rows = await db
    .select({
      month: customerMovements.month,
      kind: customerMovements.kind,
      mrrBefore: customerMovements.mrrBefore,
      mrrAfter: customerMovements.mrrAfter,
    })
    .from(customerMovements)
    .where(and(eq(customerMovements.orgId, orgId), eq(customerMovements.customerId, customerId)))
    .orderBy(desc(customerMovements.month));
  return rows.map((r) => ({ ...r, month: String(r.month).slice(0, 7) }));
}

/** How much data the org holds: its customers, subscription items and completed uploads (the home page). */
export async function countOrgData(
  db: Db,
  orgId: string,
): Promise<{ customers: number; items: number; uploads: number }> {
  const [row] = await queryRows<{
    customers: number | string;
    items: number | string;
    uploads: number | string;
  }>(
    db,
    sql`SELECT
      (SELECT count(*) FROM ${customers} WHERE ${customers.orgId} = ${orgId}) AS customers,
      (SELECT count(*) FROM ${subscriptionItems} WHERE ${subscriptionItems.orgId} = ${orgId}) AS items,
      (SELECT count(*) FROM ${uploads} WHERE ${uploads.orgId} = ${orgId} AND ${uploads.status} = 'complete') AS uploads`,
  );
  return {
    customers: Number(row?.customers ?? 0),
    items: Number(row?.items ?? 0),
    uploads: Number(row?.uploads ?? 0),
  };
}

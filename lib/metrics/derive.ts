import { eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { organizations, revenueDerivedState } from "@/db/schema";

/*
 * Keeps the derived revenue tables (db/schema/revenue-derived.ts) current, in SQL, set-based:
 *   customer_plan_mrr_monthly  MRR-2/MRR-3 per customer, plan and month end, from subscription items
 *   customer_mrr_monthly       the same summed over plans
 *   customer_movements         MOV-1 per customer and month, with history-aware reactivation
 * `rebuildRevenue` recomputes an org; `updateRevenueForCustomers` recomputes only the customers a write
 * touched, and every writer (imports, Stripe sync, forms) calls it after its transaction's writes.
 *
 * Months run from each item's start month through the org's `through` month: the later of the current
 * month and the latest start month. Whenever that is not the current month (the month moved on, or
 * future-dated items exist) or a write starts an item after it, the update rebuilds the org, so every
 * customer covers exactly the months a rebuild would.
 */

/** The nil uuid stands for "no plan" in customer_plan_mrr_monthly's key. */
export const NO_PLAN = "00000000-0000-0000-0000-000000000000";

/** Above this many touched customers, one rebuild is cheaper than the per-customer path. */
const INCREMENTAL_LIMIT = 5_000;

type Options = { asOf?: Date };

const monthStart = (d: Date) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString().slice(0, 10);

function customerFilter(column: string, customerIds: readonly string[] | null): SQL {
  if (!customerIds) return sql``;
  return sql`AND ${sql.raw(column)} IN (${sql.join(
    customerIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

async function pastDueChurnAfterDays(db: Db, orgId: string): Promise<number | null> {
  const [org] = await db
    .select({ settings: organizations.settings })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const days = org?.settings.pastDueChurnAfterDays;
  return typeof days === "number" && days >= 0 ? days : null;
}

/** The month the derived tables must reach: the later of the current month and the latest item start. */
async function throughMonth(
  db: Db,
  orgId: string,
  asOf: Date,
  customerIds: readonly string[] | null,
): Promise<string> {
  const [row] = await queryRows<{ latest: string | null }>(
    db,
    sql`
    SELECT to_char(date_trunc('month', max(start_date)), 'YYYY-MM-DD') AS latest
    FROM subscription_items WHERE org_id = ${orgId} AND mrr > 0 ${customerFilter("customer_id", customerIds)}`,
  );
  const latest = row?.latest ?? null;
  const current = monthStart(asOf);
  return latest && latest > current ? latest : current;
}

async function deriveFor(
  db: Db,
  orgId: string,
  through: string,
  customerIds: readonly string[] | null,
): Promise<void> {
  const pastDue = await pastDueChurnAfterDays(db, orgId);
  const pastDueRule =
    pastDue === null
      ? sql`false`
      : sql`(p.kind = 'past_due' AND p.start_date + ${pastDue}::int <= m.month_end)`;
  const only = (column: string) => customerFilter(column, customerIds);

  await db.execute(sql`DELETE FROM customer_movements WHERE org_id = ${orgId} ${only("customer_id")}`);
  await db.execute(sql`DELETE FROM customer_mrr_monthly WHERE org_id = ${orgId} ${only("customer_id")}`);
  await db.execute(sql`DELETE FROM customer_plan_mrr_monthly WHERE org_id = ${orgId} ${only("customer_id")}`);

  // MRR-2 at each month end (MRR-3): items with start ≤ month end < end, minus trial and pause periods
  // and past-due periods older than the org's pastDueChurnAfterDays (MRR-1).
  await db.execute(sql`
    INSERT INTO customer_plan_mrr_monthly (org_id, customer_id, plan_id, month, mrr)
    WITH items AS (
      -- Whether an item has status periods is looked up once per item, not once per item and month.
      SELECT i.id, i.org_id, i.customer_id, i.plan_id, i.start_date, i.end_date, i.mrr,
             EXISTS (SELECT 1 FROM subscription_item_periods p WHERE p.item_id = i.id) AS has_periods
      FROM subscription_items i
      WHERE i.org_id = ${orgId} AND i.mrr > 0 ${only("i.customer_id")}
    )
    SELECT i.org_id, i.customer_id, coalesce(i.plan_id, ${NO_PLAN}::uuid), m.month, sum(i.mrr)
    FROM items i
    CROSS JOIN LATERAL (
      SELECT gs::date AS month, (gs + interval '1 month' - interval '1 day')::date AS month_end
      FROM generate_series(
        date_trunc('month', i.start_date),
        least(date_trunc('month', coalesce(i.end_date, ${through}::date)), ${through}::date),
        interval '1 month') AS gs
    ) m
    WHERE i.start_date <= m.month_end
      AND (i.end_date IS NULL OR i.end_date > m.month_end)
      AND CASE WHEN NOT i.has_periods THEN true ELSE NOT EXISTS (
        SELECT 1 FROM subscription_item_periods p
        WHERE p.item_id = i.id AND p.start_date <= m.month_end AND (p.end_date IS NULL OR p.end_date > m.month_end)
          AND (p.kind IN ('trialing', 'paused') OR ${pastDueRule})) END
    GROUP BY 1, 2, 3, 4`);

  await db.execute(sql`
    INSERT INTO customer_mrr_monthly (org_id, customer_id, month, mrr)
    SELECT org_id, customer_id, month, sum(mrr)
    FROM customer_plan_mrr_monthly WHERE org_id = ${orgId} ${only("customer_id")}
    GROUP BY 1, 2, 3`);

  // MOV-1: p = MRR at the end of m−1, q at the end of m; "new" only in the customer's first month with MRR.
  await db.execute(sql`
    INSERT INTO customer_movements (org_id, customer_id, month, kind, mrr_before, mrr_after)
    ${movementsSelect(sql`SELECT customer_id, month, mrr FROM customer_mrr_monthly WHERE org_id = ${orgId} ${only("customer_id")}`, orgId, through)}`);
}

/**
 * MOV-1 rows from any relation of (customer_id, month, mrr) holding a customer's whole history of
 * positive month-end MRR. Shared with the plan-filtered reads, which run it on customer_plan_mrr_monthly.
 */
export function movementsSelect(monthly: SQL, orgId: string, through: string): SQL {
  return sql`
    WITH cm AS (${monthly}),
    firsts AS (SELECT customer_id, min(month) AS first_month FROM cm GROUP BY customer_id),
    pairs AS (
      SELECT coalesce(cur.customer_id, prev.customer_id) AS customer_id,
             coalesce(cur.month, (prev.month + interval '1 month')::date) AS month,
             coalesce(prev.mrr, 0)::bigint AS p,
             coalesce(cur.mrr, 0)::bigint AS q
      FROM cm cur
      FULL JOIN cm prev ON prev.customer_id = cur.customer_id AND prev.month = (cur.month - interval '1 month')::date
    )
    SELECT ${orgId}::uuid AS org_id, pairs.customer_id, pairs.month,
      (CASE
        WHEN pairs.p = 0 AND pairs.month = f.first_month THEN 'new'
        WHEN pairs.p = 0 THEN 'reactivation'
        WHEN pairs.q = 0 THEN 'churn'
        WHEN pairs.q > pairs.p THEN 'expansion'
        ELSE 'contraction'
      END)::movement_kind AS kind,
      pairs.p AS mrr_before, pairs.q AS mrr_after
    FROM pairs JOIN firsts f ON f.customer_id = pairs.customer_id
    WHERE pairs.p <> pairs.q AND pairs.month <= ${through}::date`;
}

/** Recomputes every derived revenue row of one org. */
export async function rebuildRevenue(
  db: Db,
  orgId: string,
  options: Options = {},
): Promise<{ through: string }> {
  return db.transaction(async (tx) => {
    // One writer per org at a time: concurrent rebuilds or updates would interleave their deletes.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`revenue:${orgId}`}))`);
    const through = await throughMonth(tx, orgId, options.asOf ?? new Date(), null);
    await deriveFor(tx, orgId, through, null);
    await tx
      .insert(revenueDerivedState)
      .values({ orgId, throughMonth: through, rebuiltAt: new Date() })
      .onConflictDoUpdate({
        target: revenueDerivedState.orgId,
        set: { throughMonth: through, rebuiltAt: new Date() },
      });
    return { through };
  });
}

/**
 * Brings the derived tables up to date after a write to these customers' items (or the customers
 * themselves); falls back to a rebuild when the org's month range moved or the set is large.
 */
export async function updateRevenueForCustomers(
  db: Db,
  orgId: string,
  customerIds: readonly string[],
  options: Options = {},
): Promise<{ mode: "incremental" | "rebuild" | "none"; through: string | null }> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return { mode: "none", through: null };
  const asOf = options.asOf ?? new Date();
  const [state] = await db.select().from(revenueDerivedState).where(eq(revenueDerivedState.orgId, orgId));
  // The month range must be exactly what a rebuild would derive: when it no longer ends at the current
  // month (time moved on, or future-dated items set it, and this write may have removed the last of
  // them), rebuild. Future-dated items are rare, so this costs little.
  if (!state || ids.length > INCREMENTAL_LIMIT || state.throughMonth !== monthStart(asOf)) {
    return { mode: "rebuild", ...(await rebuildRevenue(db, orgId, options)) };
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`revenue:${orgId}`}))`);
    const needed = await throughMonth(tx, orgId, asOf, ids);
    if (needed > state.throughMonth)
      return { mode: "rebuild" as const, ...(await rebuildRevenue(tx, orgId, options)) };
    await deriveFor(tx, orgId, state.throughMonth, ids);
    return { mode: "incremental" as const, through: state.throughMonth };
  });
}

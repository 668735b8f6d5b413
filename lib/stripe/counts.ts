import { and, count, desc, eq, gte, isNotNull, lt, sql, sum } from "drizzle-orm";
import type { Db } from "@/db/client";
import { stripeCustomers, stripeInvoices, stripePaymentFailures, stripeSubscriptions } from "@/db/schema";

export type StripeCounts = {
  /** Subscriptions by Stripe status as last synced; unpaid counts as past due. */
  active: number;
  trialing: number;
  pastDue: number;
  canceled: number;
  /**
   * Failed payment attempts in [from, to): `invoice.payment_failed` webhooks, and attempts a sync or
   * backfill found on invoices that no webhook reported (dated at the invoice's finalization).
   */
  paymentFailures: number;
  /** Metered (usage) invoice lines created in [from, to), minor units, by currency: not MRR. */
  usageRevenue: { currency: string; amount: number }[];
};

/** The Stripe counts for the executive metrics, over [from, to) for the time-bound ones. */
export async function getStripeCounts(
  db: Db,
  { orgId, from, to }: { orgId: string; from: Date; to: Date },
): Promise<StripeCounts> {
  const byStatus = await db
    .select({ status: stripeSubscriptions.status, n: count() })
    .from(stripeSubscriptions)
    .where(eq(stripeSubscriptions.orgId, orgId))
    .groupBy(stripeSubscriptions.status);
  const n = (...statuses: string[]) =>
    byStatus.filter((r) => statuses.includes(r.status)).reduce((a, r) => a + Number(r.n), 0);
  const [failures] = await db
    .select({ n: count() })
    .from(stripePaymentFailures)
    .where(
      and(
        eq(stripePaymentFailures.orgId, orgId),
        gte(stripePaymentFailures.failedAt, from),
        lt(stripePaymentFailures.failedAt, to),
      ),
    );
  const usage = await db
    .select({ currency: stripeInvoices.currency, amount: sum(stripeInvoices.usageAmount) })
    .from(stripeInvoices)
    .where(
      and(
        eq(stripeInvoices.orgId, orgId),
        sql`${stripeInvoices.usageAmount} <> 0`,
        gte(stripeInvoices.createdAt, from),
        lt(stripeInvoices.createdAt, to),
      ),
    )
    .groupBy(stripeInvoices.currency)
    .orderBy(stripeInvoices.currency);
  return {
    active: n("active"),
    trialing: n("trialing"),
    pastDue: n("past_due", "unpaid"),
    canceled: n("canceled"),
    paymentFailures: Number(failures?.n ?? 0),
    usageRevenue: usage.map((u) => ({ currency: u.currency, amount: Number(u.amount ?? 0) })),
  };
}

/** Customers whose last sync failed, with why (shown on Settings → Stripe). */
export async function listSyncErrors(db: Db, orgId: string, limit = 20) {
  return db
    .select({
      stripeId: stripeCustomers.stripeId,
      error: stripeCustomers.syncError,
      at: stripeCustomers.syncedAt,
    })
    .from(stripeCustomers)
    .where(and(eq(stripeCustomers.orgId, orgId), isNotNull(stripeCustomers.syncError)))
    .orderBy(desc(stripeCustomers.syncedAt))
    .limit(limit);
}

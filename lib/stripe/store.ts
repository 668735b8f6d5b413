import { and, eq, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  customers,
  stripeCustomers,
  stripeInvoices,
  stripePaymentFailures,
  stripeSubscriptions,
  subscriptionItems,
} from "@/db/schema";
import { endSubscriptionItem, saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { failedAttempts, type InvoiceFacts, invoiceFacts } from "./history";
import type { MappedSubscription } from "./mapping";
import { refId, type SCustomer, type SInvoice, type SPrice } from "./types";

/*
 * Writes of Stripe data into Meridian's tables. Every function takes the org id and filters by it; the
 * callers run them inside one transaction per customer (sync) or per page (backfill).
 */

/**
 * The Meridian customer for a Stripe customer (external id = the Stripe id). Fields other parts of
 * Meridian own (industry, segment, tags, …) are kept; name, email and country follow Stripe.
 */
export async function ensureCustomer(db: Db, orgId: string, c: SCustomer): Promise<string> {
  const [existing] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.externalId, c.id)));
  const fromStripe = {
    name: c.name || c.email || c.description || existing?.name || c.id,
    email: c.email ?? existing?.email ?? null,
    country: c.address?.country ?? existing?.country ?? null,
  };
  const row = await upsertCustomer(db, orgId, {
    externalId: c.id,
    company: existing?.company ?? null,
    industry: existing?.industry ?? null,
    segment: existing?.segment ?? null,
    tags: existing?.tags ?? [],
    ...fromStripe,
  });
  await db
    .insert(stripeCustomers)
    .values({ orgId, stripeId: c.id, customerId: row.id, deleted: c.deleted ?? false })
    .onConflictDoUpdate({
      target: [stripeCustomers.orgId, stripeCustomers.stripeId],
      set: { customerId: row.id, deleted: c.deleted ?? false },
    });
  return row.id;
}

/** The Meridian id of a Stripe customer, creating a bare one when the customer is not known yet. */
export async function customerIdFor(db: Db, orgId: string, stripeCustomerId: string): Promise<string> {
  const [known] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.externalId, stripeCustomerId)));
  return known?.id ?? ensureCustomer(db, orgId, { id: stripeCustomerId });
}

/**
 * Writes one subscription's items (upserts by external id `sub/si[@date]`), removes rows of this
 * subscription that the mapping no longer produces, and records its status for the counts.
 */
export async function applySubscription(
  db: Db,
  { orgId, customerId, mapped }: { orgId: string; customerId: string; mapped: MappedSubscription },
): Promise<string[]> {
  const ids = mapped.items.map((i) => i.externalId);
  for (const item of mapped.items) await saveSubscriptionItem(db, orgId, { ...item, customerId });
  await deleteStripeItemsExcept(db, { orgId, customerId, keep: ids, prefix: `${mapped.stripeId}/` });
  const values = {
    stripeCustomerId: mapped.stripeCustomerId,
    customerId,
    status: mapped.status,
    priceIds: mapped.priceIds,
    productIds: mapped.productIds,
    usagePriceIds: mapped.usagePriceIds,
    startedAt: mapped.startedAt,
    endedAt: mapped.endedAt,
    syncedAt: new Date(),
  };
  await db
    .insert(stripeSubscriptions)
    .values({ orgId, stripeId: mapped.stripeId, ...values })
    .onConflictDoUpdate({
      target: [stripeSubscriptions.orgId, stripeSubscriptions.stripeId],
      set: values,
    });
  return ids;
}

/** Deletes the customer's Stripe-sourced items (only those whose external id starts with `prefix`) except `keep`. */
async function deleteStripeItemsExcept(
  db: Db,
  { orgId, customerId, keep, prefix }: { orgId: string; customerId: string; keep: string[]; prefix?: string },
) {
  await db
    .delete(subscriptionItems)
    .where(
      and(
        eq(subscriptionItems.orgId, orgId),
        eq(subscriptionItems.source, "stripe"),
        eq(subscriptionItems.customerId, customerId),
        prefix ? sql`starts_with(${subscriptionItems.externalId}, ${prefix})` : undefined,
        keep.length ? notInArray(subscriptionItems.externalId, keep) : undefined,
      ),
    );
}

/** Removes Stripe rows of subscriptions the customer no longer has (Stripe lists every status). */
export async function removeOtherSubscriptions(
  db: Db,
  {
    orgId,
    customerId,
    stripeCustomerId,
    keep,
  }: {
    orgId: string;
    customerId: string;
    stripeCustomerId: string;
    keep: { subscriptionIds: string[]; itemIds: string[] };
  },
) {
  await deleteStripeItemsExcept(db, { orgId, customerId, keep: keep.itemIds });
  await db
    .delete(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.orgId, orgId),
        eq(stripeSubscriptions.stripeCustomerId, stripeCustomerId),
        keep.subscriptionIds.length
          ? notInArray(stripeSubscriptions.stripeId, keep.subscriptionIds)
          : undefined,
      ),
    );
}

/** A customer deleted in Stripe: its open Stripe items end today (history stays). */
export async function endOpenItems(
  db: Db,
  { orgId, customerId, today }: { orgId: string; customerId: string; today: string },
) {
  const open = await db
    .select({ id: subscriptionItems.id, startDate: subscriptionItems.startDate })
    .from(subscriptionItems)
    .where(
      and(
        eq(subscriptionItems.orgId, orgId),
        eq(subscriptionItems.source, "stripe"),
        eq(subscriptionItems.customerId, customerId),
        or(isNull(subscriptionItems.endDate), sql`${subscriptionItems.endDate} > ${today}`),
      ),
    );
  for (const item of open) {
    if (item.startDate > today) {
      await db
        .delete(subscriptionItems)
        .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.id, item.id)));
    } else await endSubscriptionItem(db, { orgId, itemId: item.id, endDate: today });
  }
}

const isMetered = (p: SPrice | null | undefined) => (p?.recurring?.usage_type ?? p?.usage_type) === "metered";

/**
 * Upserts invoices with what the history needs (history.ts); lines of metered prices are usage revenue
 * (known by the line's price or by id). Failed attempts no webhook recorded are added (see
 * `stripePaymentFailures`).
 */
export async function upsertInvoices(db: Db, orgId: string, invoices: SInvoice[]) {
  if (!invoices.length) return;
  const known = await db
    .select({ ids: stripeSubscriptions.usagePriceIds })
    .from(stripeSubscriptions)
    .where(
      and(eq(stripeSubscriptions.orgId, orgId), sql`cardinality(${stripeSubscriptions.usagePriceIds}) > 0`),
    );
  const metered = new Set(known.flatMap((r) => r.ids));
  for (const inv of invoices) {
    let usage = 0;
    for (const line of inv.lines?.data ?? []) {
      const price = line.price ?? line.plan;
      const priceId = price?.id ?? line.pricing?.price_details?.price ?? null;
      if (isMetered(price) || (priceId && metered.has(priceId))) usage += line.amount ?? 0;
    }
    const facts = invoiceFacts(inv);
    const values = {
      stripeCustomerId: refId(inv.customer),
      status: facts.status,
      currency: inv.currency.toUpperCase(),
      subtotal: inv.subtotal_excluding_tax ?? inv.subtotal ?? 0,
      amountPaid: inv.amount_paid ?? 0,
      usageAmount: usage,
      attemptCount: facts.attemptCount,
      createdAt: new Date(facts.created * 1000),
      finalizedAt: facts.finalizedAt ? new Date(facts.finalizedAt * 1000) : null,
      stripeSubscriptionId: facts.subscriptionId,
      billedLines: facts.lines,
    };
    await db
      .insert(stripeInvoices)
      .values({ orgId, stripeId: inv.id, ...values })
      .onConflictDoUpdate({ target: [stripeInvoices.orgId, stripeInvoices.stripeId], set: values });
    const failed = failedAttempts(facts);
    if (failed > 0) {
      const failedAt = new Date((facts.finalizedAt ?? facts.created) * 1000);
      await db
        .insert(stripePaymentFailures)
        .values(
          Array.from({ length: failed }, (_, k) => ({
            orgId,
            invoiceId: inv.id,
            attempt: k + 1,
            stripeCustomerId: values.stripeCustomerId,
            failedAt,
            source: "invoice" as const,
          })),
        )
        .onConflictDoNothing();
    }
  }
}

/** An `invoice.payment_failed` webhook: its attempt, at the event's time (replacing a dated guess). */
export async function recordPaymentFailure(
  db: Db,
  orgId: string,
  failure: { invoiceId: string; attempt: number; stripeCustomerId: string | null; failedAt: Date },
) {
  await db
    .insert(stripePaymentFailures)
    .values({ orgId, ...failure, attempt: Math.max(1, failure.attempt), source: "webhook" })
    .onConflictDoUpdate({
      target: [stripePaymentFailures.orgId, stripePaymentFailures.invoiceId, stripePaymentFailures.attempt],
      set: { failedAt: failure.failedAt, source: "webhook" },
    });
}

/** The stored invoices of these Stripe customers, as the mapping reads them (the backfill's history). */
export async function loadInvoiceFacts(
  db: Db,
  orgId: string,
  stripeCustomerIds: string[],
): Promise<InvoiceFacts[]> {
  if (!stripeCustomerIds.length) return [];
  const rows = await db
    .select({
      id: stripeInvoices.stripeId,
      subscriptionId: stripeInvoices.stripeSubscriptionId,
      status: stripeInvoices.status,
      attemptCount: stripeInvoices.attemptCount,
      createdAt: stripeInvoices.createdAt,
      finalizedAt: stripeInvoices.finalizedAt,
      lines: stripeInvoices.billedLines,
    })
    .from(stripeInvoices)
    .where(and(eq(stripeInvoices.orgId, orgId), inArray(stripeInvoices.stripeCustomerId, stripeCustomerIds)));
  const unix = (d: Date) => Math.floor(d.getTime() / 1000);
  return rows.map((r) => ({
    ...r,
    created: unix(r.createdAt),
    finalizedAt: r.finalizedAt ? unix(r.finalizedAt) : null,
  }));
}

/** Stripe customers whose subscriptions use one of these prices or products (price/product events). */
export async function customersUsing(
  db: Db,
  orgId: string,
  { priceId, productId }: { priceId?: string; productId?: string },
) {
  const rows = await db
    .selectDistinct({ id: stripeSubscriptions.stripeCustomerId })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.orgId, orgId),
        priceId ? sql`${priceId} = ANY(${stripeSubscriptions.priceIds})` : undefined,
        productId ? sql`${productId} = ANY(${stripeSubscriptions.productIds})` : undefined,
      ),
    );
  return rows.map((r) => r.id);
}

export async function recordSyncResult(
  db: Db,
  { orgId, stripeCustomerId, error }: { orgId: string; stripeCustomerId: string; error: string | null },
) {
  await db
    .insert(stripeCustomers)
    .values({ orgId, stripeId: stripeCustomerId, syncedAt: new Date(), syncError: error })
    .onConflictDoUpdate({
      target: [stripeCustomers.orgId, stripeCustomers.stripeId],
      set: { syncedAt: new Date(), syncError: error },
    });
}

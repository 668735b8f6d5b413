import type Stripe from "stripe";
import type { Db } from "@/db/client";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { fetchCustomerState } from "./api";
import { stripeForOrg } from "./client";
import { mapSubscription } from "./mapping";
import {
  applySubscription,
  endOpenItems,
  ensureCustomer,
  recordSyncResult,
  removeOtherSubscriptions,
  upsertInvoices,
} from "./store";

export type SyncResult = {
  stripeCustomerId: string;
  customerId: string;
  deleted: boolean;
  subscriptions: number;
  items: number;
  warnings: string[];
};

/**
 * The convergent sync behind every webhook: read the customer's current subscriptions (all statuses,
 * with prices and discounts) from Stripe, then rewrite that customer's Stripe-sourced items to match,
 * in one transaction with the derived revenue update. Whatever order events arrive in, and however
 * often, the result is a function of Stripe's state only.
 */
export async function syncCustomer(
  db: Db,
  {
    orgId,
    stripeCustomerId,
    stripe,
    today = new Date().toISOString().slice(0, 10),
  }: { orgId: string; stripeCustomerId: string; stripe?: Stripe; today?: string },
): Promise<SyncResult> {
  const client = stripe ?? (await stripeForOrg(db, orgId));
  const state = await fetchCustomerState(client, stripeCustomerId);
  const mapped = state.subscriptions.map((s) =>
    mapSubscription(s, state.coupons, {
      prices: state.prices,
      customerDiscount: state.customer.discount,
      invoices: state.facts,
    }),
  );
  return db.transaction(async (tx) => {
    const customerId = await ensureCustomer(tx, orgId, state.customer);
    const itemIds: string[] = [];
    for (const m of mapped) itemIds.push(...(await applySubscription(tx, { orgId, customerId, mapped: m })));
    if (state.customer.deleted) await endOpenItems(tx, { orgId, customerId, today });
    else {
      await removeOtherSubscriptions(tx, {
        orgId,
        customerId,
        stripeCustomerId,
        keep: { subscriptionIds: mapped.map((m) => m.stripeId), itemIds },
      });
    }
    await upsertInvoices(tx, orgId, state.invoices);
    await recordSyncResult(tx, { orgId, stripeCustomerId, error: null });
    await updateRevenueForCustomers(tx, orgId, [customerId]);
    return {
      stripeCustomerId,
      customerId,
      deleted: state.customer.deleted ?? false,
      subscriptions: mapped.length,
      items: itemIds.length,
      warnings: mapped.flatMap((m) => m.warnings),
    };
  });
}

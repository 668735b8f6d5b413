import type Stripe from "stripe";
import { couponIdsToFetch, tieredPriceIdsToFetch } from "./mapping";
import { withRateLimitRetry } from "./rate-limit";
import type {
  SCoupon,
  SCustomer,
  SDiscount,
  SInvoice,
  SPrice,
  SSubscription,
  SSubscriptionItem,
} from "./types";

/*
 * Reads from the Stripe API, shaped for the mapping. Lists page with `starting_after`; discounts are
 * expanded (coupons inside item-level discounts are beyond Stripe's expansion depth on newer API
 * versions, so they are fetched by id).
 */

/** `data.customer`: its `discount` (a customer-level coupon) applies to subscriptions without their own. */
export const SUBSCRIPTION_EXPAND = ["data.discounts", "data.items.data.discounts", "data.customer"];
const PAGE = 100;

type Page<T> = { data: T[]; has_more: boolean };
type Options = { onRateLimit?: (waitMs: number) => void; attempts?: number };

export async function listSubscriptionsPage(
  stripe: Stripe,
  params: { customer?: string; startingAfter?: string | null; limit?: number },
  options: Options = {},
): Promise<Page<SSubscription>> {
  const page = await withRateLimitRetry(
    () =>
      stripe.subscriptions.list({
        status: "all",
        limit: params.limit ?? PAGE,
        expand: SUBSCRIPTION_EXPAND,
        ...(params.customer ? { customer: params.customer } : {}),
        ...(params.startingAfter ? { starting_after: params.startingAfter } : {}),
      }),
    options,
  );
  const data = page.data as unknown as SSubscription[];
  for (const sub of data) await completeItems(stripe, sub, options);
  return { data, has_more: page.has_more };
}

/** A subscription lists its first 20 items; fetch the rest when there are more. */
async function completeItems(stripe: Stripe, sub: SSubscription, options: Options) {
  while (sub.items.has_more) {
    const last = sub.items.data.at(-1)?.id;
    const more = await withRateLimitRetry(
      () =>
        stripe.subscriptionItems.list({
          subscription: sub.id,
          limit: PAGE,
          ...(last ? { starting_after: last } : {}),
        }),
      options,
    );
    sub.items = {
      data: [...sub.items.data, ...(more.data as unknown as SSubscriptionItem[])],
      has_more: more.has_more,
    };
  }
}

export async function fetchCoupons(
  stripe: Stripe,
  subscriptions: SSubscription[],
  options: Options = {},
  customerDiscount?: SDiscount | null,
): Promise<Map<string, SCoupon>> {
  const coupons = new Map<string, SCoupon>();
  const ids = new Set(subscriptions.flatMap(couponIdsToFetch));
  const c = customerDiscount?.coupon ?? customerDiscount?.source?.coupon;
  if (typeof c === "string") ids.add(c);
  for (const id of ids) {
    const coupon = await withRateLimitRetry(() => stripe.coupons.retrieve(id), options);
    coupons.set(id, coupon as unknown as SCoupon);
  }
  return coupons;
}

/** Tiered prices the subscriptions use, retrieved with their tiers (list responses leave them out). */
export async function fetchTieredPrices(
  stripe: Stripe,
  subscriptions: SSubscription[],
  options: Options = {},
): Promise<Map<string, SPrice>> {
  const prices = new Map<string, SPrice>();
  for (const id of new Set(subscriptions.flatMap(tieredPriceIdsToFetch))) {
    const price = await withRateLimitRetry(() => stripe.prices.retrieve(id, { expand: ["tiers"] }), options);
    prices.set(id, price as unknown as SPrice);
  }
  return prices;
}

export async function listCustomersPage(
  stripe: Stripe,
  params: { startingAfter?: string | null; limit?: number },
  options: Options = {},
): Promise<Page<SCustomer>> {
  const page = await withRateLimitRetry(
    () =>
      stripe.customers.list({
        limit: params.limit ?? PAGE,
        ...(params.startingAfter ? { starting_after: params.startingAfter } : {}),
      }),
    options,
  );
  return { data: page.data as unknown as SCustomer[], has_more: page.has_more };
}

export async function listInvoicesPage(
  stripe: Stripe,
  params: { customer?: string; startingAfter?: string | null; limit?: number },
  options: Options = {},
): Promise<Page<SInvoice>> {
  const page = await withRateLimitRetry(
    () =>
      stripe.invoices.list({
        limit: params.limit ?? PAGE,
        ...(params.customer ? { customer: params.customer } : {}),
        ...(params.startingAfter ? { starting_after: params.startingAfter } : {}),
      }),
    options,
  );
  return { data: page.data as unknown as SInvoice[], has_more: page.has_more };
}

/** Everything the per-customer sync needs: the customer, all its subscriptions, recent invoices. */
export async function fetchCustomerState(stripe: Stripe, stripeCustomerId: string, options: Options = {}) {
  const customer = (await withRateLimitRetry(
    () => stripe.customers.retrieve(stripeCustomerId),
    options,
  )) as unknown as SCustomer;
  const subscriptions: SSubscription[] = [];
  if (!customer.deleted) {
    let startingAfter: string | null = null;
    for (;;) {
      const page = await listSubscriptionsPage(
        stripe,
        { customer: stripeCustomerId, startingAfter },
        options,
      );
      subscriptions.push(...page.data);
      startingAfter = page.data.at(-1)?.id ?? null;
      if (!page.has_more || !startingAfter) break;
    }
  }
  const coupons = await fetchCoupons(stripe, subscriptions, options, customer.discount);
  const prices = await fetchTieredPrices(stripe, subscriptions, options);
  const invoices = customer.deleted
    ? []
    : (await listInvoicesPage(stripe, { customer: stripeCustomerId }, options)).data;
  return { customer, subscriptions, coupons, prices, invoices };
}

import type Stripe from "stripe";
import { embeddedPrices, type InvoiceFacts, invoiceFacts } from "./history";
import { couponIdsToFetch, priceIdsToFetch } from "./mapping";
import { withRateLimitRetry } from "./rate-limit";
import type {
  SCoupon,
  SCustomer,
  SDiscount,
  SInvoice,
  SInvoiceLine,
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

/**
 * Every price the mapping needs that the subscriptions do not carry in full: `have` (prices embedded in
 * invoices), plus tiered prices retrieved with their tiers and prices only the invoices name.
 */
export async function fetchPrices(
  stripe: Stripe,
  subscriptions: SSubscription[],
  invoices: readonly InvoiceFacts[],
  have: ReadonlyMap<string, SPrice>,
  options: Options = {},
): Promise<Map<string, SPrice>> {
  const prices = new Map(have);
  for (const id of new Set(subscriptions.flatMap((s) => priceIdsToFetch(s, invoices, have)))) {
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
  const data = page.data as unknown as SInvoice[];
  for (const inv of data) await completeLines(stripe, inv, options);
  return { data, has_more: page.has_more };
}

/** A listed invoice carries its first lines only; fetch the rest (the history needs every one). */
async function completeLines(stripe: Stripe, inv: SInvoice, options: Options) {
  while (inv.lines?.has_more) {
    const last = inv.lines.data.at(-1)?.id;
    const more = await withRateLimitRetry(
      () => stripe.invoices.listLineItems(inv.id, { limit: PAGE, ...(last ? { starting_after: last } : {}) }),
      options,
    );
    inv.lines = {
      data: [...inv.lines.data, ...(more.data as unknown as SInvoiceLine[])],
      has_more: more.has_more && more.data.length > 0,
    };
  }
}

/** Every page of a list, following `starting_after`. */
async function listAll<T extends { id: string }>(
  page: (startingAfter: string | null) => Promise<Page<T>>,
): Promise<T[]> {
  const out: T[] = [];
  let startingAfter: string | null = null;
  for (;;) {
    const next = await page(startingAfter);
    out.push(...next.data);
    startingAfter = next.data.at(-1)?.id ?? null;
    if (!next.has_more || !startingAfter) return out;
  }
}

/**
 * Everything the per-customer sync needs: the customer, all its subscriptions, all its invoices (the
 * history: see history.ts), the coupons and prices they name.
 */
export async function fetchCustomerState(stripe: Stripe, stripeCustomerId: string, options: Options = {}) {
  const customer = (await withRateLimitRetry(
    () => stripe.customers.retrieve(stripeCustomerId),
    options,
  )) as unknown as SCustomer;
  const only = { customer: stripeCustomerId };
  const subscriptions = customer.deleted
    ? []
    : await listAll((startingAfter) => listSubscriptionsPage(stripe, { ...only, startingAfter }, options));
  const invoices = customer.deleted
    ? []
    : await listAll((startingAfter) => listInvoicesPage(stripe, { ...only, startingAfter }, options));
  const facts = invoices.map(invoiceFacts);
  const coupons = await fetchCoupons(stripe, subscriptions, options, customer.discount);
  const prices = await fetchPrices(stripe, subscriptions, facts, embeddedPrices(invoices), options);
  return { customer, subscriptions, coupons, prices, invoices, facts };
}

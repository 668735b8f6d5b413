import { readFileSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "@/db/client";
import { getMrrSeries } from "@/db/queries/revenue";
import { subscriptionItems } from "@/db/schema";

/*
 * Stripe objects for the tests, built from the recorded fixtures in tests/fixtures/stripe (see its
 * README): the dj-stripe subscription and customer are cloned and given the prices, statuses, dates
 * and discounts a case needs; discounts and coupons start from Stripe's own OpenAPI examples.
 */

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/stripe");
export const fixture = <T = Record<string, unknown>>(file: string): T =>
  JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8")) as T;

const unix = (date: string) => Math.floor(Date.parse(`${date}T12:00:00Z`) / 1000);

export function customer(id: string, name = `Customer ${id}`) {
  return { ...fixture("dj-stripe/customer_cus_6lsBvm5rJ0zyHc.json"), id, name, subscriptions: undefined };
}

export type CouponSpec = {
  percentOff?: number;
  amountOff?: number;
  duration: "once" | "repeating" | "forever";
  months?: number;
  start?: string;
  end?: string;
};

export function discount(id: string, spec: CouponSpec) {
  const base = fixture("openapi/discount.json");
  const coupon = {
    ...fixture("openapi/coupon.json"),
    id: `co_${id}`,
    percent_off: spec.percentOff ?? null,
    amount_off: spec.amountOff ?? null,
    duration: spec.duration,
    duration_in_months: spec.months ?? null,
  };
  return {
    ...base,
    id: `di_${id}`,
    start: spec.start ? unix(spec.start) : null,
    end: spec.end ? unix(spec.end) : null,
    source: { type: "coupon", coupon },
  };
}

export type SubSpec = {
  id: string;
  customer: string;
  unitAmount: number;
  interval?: "day" | "week" | "month" | "year";
  intervalCount?: number;
  quantity?: number;
  status?: string;
  start: string;
  endedAt?: string;
  cancelAt?: string;
  trial?: [string, string];
  discounts?: ReturnType<typeof discount>[];
  currency?: string;
  metered?: boolean;
  priceId?: string;
};

/** The dj-stripe subscription item's price, reshaped. */
export function stripePrice(spec: {
  unitAmount: number;
  interval?: "day" | "week" | "month" | "year";
  intervalCount?: number;
  currency?: string;
  metered?: boolean;
  priceId?: string;
}) {
  const sub = fixture<{ items: { data: { price: Record<string, unknown> }[] } }>(
    "dj-stripe/subscription_sub_fakefakefakefakefake0001.json",
  );
  return {
    ...sub.items.data[0]?.price,
    id: spec.priceId ?? `price_${spec.unitAmount}_${spec.interval ?? "month"}`,
    currency: (spec.currency ?? "usd").toLowerCase(),
    unit_amount: spec.unitAmount,
    unit_amount_decimal: String(spec.unitAmount),
    recurring: {
      interval: spec.interval ?? "month",
      interval_count: spec.intervalCount ?? 1,
      usage_type: spec.metered ? "metered" : "licensed",
      aggregate_usage: null,
      trial_period_days: null,
    },
  };
}

export type LineSpec = {
  subscription: string;
  item: string;
  priceId: string;
  quantity?: number;
  /** The billed period [start, end), days. */
  period: [string, string];
  proration?: boolean;
  amount: number;
};

/**
 * The pay-rails `invoice.payment_failed` invoice (API 2025: lines name their price by id under `pricing`,
 * subscription and item under `parent`), reshaped. `extraLines` one-off invoice items come first.
 */
export function invoice(spec: {
  id: string;
  customer: string;
  subscription: string;
  created: string;
  status?: string;
  attempts?: number;
  lines: LineSpec[];
  extraLines?: number;
}) {
  const base = fixture<{ object: Record<string, unknown> & { lines: { data: Record<string, unknown>[] } } }>(
    "pay-rails/stripe__invoice.payment_failed.json",
  ).object;
  const [template] = base.lines.data;
  const line = (l: LineSpec, k: number) => ({
    ...template,
    id: `il_${spec.id}_${k}`,
    invoice: spec.id,
    amount: l.amount,
    quantity: l.quantity ?? 1,
    period: { start: unix(l.period[0]), end: unix(l.period[1]) },
    parent: {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: l.proration ?? false,
        proration_details: { credited_items: null },
        subscription: l.subscription,
        subscription_item: l.item,
      },
    },
    pricing: { type: "price_details", price_details: { price: l.priceId, product: "prod_1234" } },
  });
  const oneOff = (k: number) => ({
    ...template,
    id: `il_${spec.id}_extra${k}`,
    amount: 100,
    parent: { type: "invoice_item_details", invoice_item_details: { invoice_item: `ii_${k}` } },
  });
  const created = unix(spec.created);
  return {
    ...base,
    id: spec.id,
    customer: spec.customer,
    parent: { type: "subscription_details", subscription_details: { subscription: spec.subscription } },
    created,
    status: spec.status ?? "paid",
    attempt_count: spec.attempts ?? 1,
    attempted: (spec.attempts ?? 1) > 0,
    status_transitions: {
      finalized_at: created,
      paid_at: null,
      voided_at: null,
      marked_uncollectible_at: null,
    },
    lines: {
      object: "list",
      has_more: false,
      data: [...Array.from({ length: spec.extraLines ?? 0 }, (_, k) => oneOff(k)), ...spec.lines.map(line)],
    },
  };
}

/** The dj-stripe subscription fixture, reshaped. Its inclusive 15% VAT is dropped unless `keepTax`. */
export function subscription(spec: SubSpec, { keepTax = false } = {}) {
  const sub = fixture<Record<string, unknown> & { items: { data: Record<string, unknown>[] } }>(
    "dj-stripe/subscription_sub_fakefakefakefakefake0001.json",
  );
  const [templateItem] = sub.items.data;
  const price = stripePrice(spec);
  const start = unix(spec.start);
  return {
    ...sub,
    id: spec.id,
    customer: spec.customer,
    status: spec.status ?? "active",
    created: start,
    start_date: start,
    billing_cycle_anchor: start,
    current_period_start: start,
    ended_at: spec.endedAt ? unix(spec.endedAt) : null,
    canceled_at: spec.endedAt ? unix(spec.endedAt) : null,
    cancel_at: spec.cancelAt ? unix(spec.cancelAt) : null,
    trial_start: spec.trial ? unix(spec.trial[0]) : null,
    trial_end: spec.trial ? unix(spec.trial[1]) : null,
    discount: null,
    discounts: spec.discounts ?? [],
    default_tax_rates: keepTax ? sub.default_tax_rates : [],
    plan: null,
    items: {
      object: "list",
      has_more: false,
      data: [
        {
          ...templateItem,
          id: `si_${spec.id}`,
          created: start,
          plan: undefined,
          price,
          quantity: spec.metered ? undefined : (spec.quantity ?? 1),
          subscription: spec.id,
        },
      ],
    },
  };
}

let eventCounter = 0;
/** A Stripe event envelope around a recorded object (pay-rails fixtures hold `{ object, … }`). */
export function event(type: string, object: Record<string, unknown>, id = `evt_test_${++eventCounter}`) {
  return {
    id,
    object: "event",
    api_version: "2020-08-27",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** A webhook request as Stripe sends it, signed with `secret` (or with the given header). */
export function signedRequest(slug: string, body: unknown, secret: string, header?: string | null) {
  const payload = JSON.stringify(body);
  const signature =
    header === undefined ? Stripe.webhooks.generateTestHeaderString({ payload, secret }) : header;
  return new Request(`http://localhost/api/webhooks/stripe/${slug}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
    body: payload,
  });
}

/** The org's MRR-3 at the end of `month` (YYYY-MM), from the derived tables, in cents. */
export async function mrrAt(db: Db, orgId: string, month: string): Promise<number> {
  const [point] = await getMrrSeries(db, { orgId, from: month, to: month });
  return point?.mrr ?? 0;
}

export const currentMonth = () => new Date().toISOString().slice(0, 7);

/** The org's Stripe items, comparable across runs (ids and timestamps left out). */
export async function stripeItems(db: Db, orgId: string) {
  const rows = await db
    .select()
    .from(subscriptionItems)
    .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.source, "stripe")))
    .orderBy(subscriptionItems.externalId);
  return rows.map(({ id, createdAt, updatedAt, planId, customerId, ...rest }) => rest);
}

/*
 * The parts of Stripe objects the mapping reads, loose enough for every API version we meet: the SDK's
 * pinned version (discounts[], `discount.source.coupon`, periods on items) and older payloads still sent
 * by accounts on older versions (`discount`, `discount.coupon`, `plan.amount`, periods on the subscription).
 */

export type StripeRef<T> = string | T | null | undefined;

export type SCoupon = {
  id: string;
  object?: "coupon";
  percent_off?: number | null;
  amount_off?: number | null;
  currency?: string | null;
  duration?: "once" | "repeating" | "forever" | string;
  duration_in_months?: number | null;
  applies_to?: { products?: string[] } | null;
};

export type SDiscount = {
  id?: string;
  object?: "discount";
  /** Older API versions. */
  coupon?: StripeRef<SCoupon>;
  /** API 2025-03-31 and later. */
  source?: { type?: string; coupon?: StripeRef<SCoupon> } | null;
  start?: number | null;
  end?: number | null;
};

export type STaxRate = { id?: string; percentage?: number | null; inclusive?: boolean | null };

export type SPrice = {
  id: string;
  object?: "price" | "plan";
  type?: "recurring" | "one_time" | string;
  currency: string;
  unit_amount?: number | null;
  unit_amount_decimal?: string | null;
  /** Plans and old prices. */
  amount?: number | null;
  amount_decimal?: string | null;
  nickname?: string | null;
  product?: StripeRef<{ id: string; name?: string | null }>;
  recurring?: { interval: string; interval_count?: number | null; usage_type?: string | null } | null;
  interval?: string | null;
  interval_count?: number | null;
  usage_type?: string | null;
  tax_behavior?: string | null;
  /** "tiered": the amount comes from `tiers` (only present when the price is retrieved with expand=tiers). */
  billing_scheme?: "per_unit" | "tiered" | string | null;
  tiers_mode?: "graduated" | "volume" | string | null;
  tiers?: STier[] | null;
};

export type STier = {
  /** The last quantity of this tier; null for the open-ended last one. */
  up_to: number | null;
  unit_amount?: number | null;
  unit_amount_decimal?: string | null;
  flat_amount?: number | null;
  flat_amount_decimal?: string | null;
};

export type SSubscriptionItem = {
  id: string;
  created?: number | null;
  quantity?: number | null;
  price?: SPrice | null;
  plan?: SPrice | null;
  discounts?: StripeRef<SDiscount>[] | null;
  tax_rates?: StripeRef<STaxRate>[] | null;
  current_period_start?: number | null;
  current_period_end?: number | null;
};

export type SSubscription = {
  id: string;
  object?: "subscription";
  /** An id, or the customer when listed with expand=data.customer (its discount applies: see the mapping). */
  customer: StripeRef<{ id: string; discount?: SDiscount | null }>;
  status: string;
  created?: number | null;
  start_date?: number | null;
  start?: number | null;
  ended_at?: number | null;
  cancel_at?: number | null;
  canceled_at?: number | null;
  cancel_at_period_end?: boolean | null;
  trial_start?: number | null;
  trial_end?: number | null;
  current_period_start?: number | null;
  current_period_end?: number | null;
  pause_collection?: { behavior?: string; resumes_at?: number | null } | null;
  discount?: SDiscount | null;
  discounts?: StripeRef<SDiscount>[] | null;
  default_tax_rates?: StripeRef<STaxRate>[] | null;
  items: { data: SSubscriptionItem[]; has_more?: boolean };
};

export type SCustomer = {
  id: string;
  object?: "customer";
  deleted?: boolean;
  name?: string | null;
  email?: string | null;
  description?: string | null;
  address?: { country?: string | null } | null;
  /** A customer-level coupon: applies to the customer's subscriptions that have no discount of their own. */
  discount?: SDiscount | null;
};

/**
 * An invoice line, in both shapes: older API versions put `subscription`, `subscription_item`, `proration`
 * and the `price` object on the line; API 2025-03-31 and later move them under `parent` and `pricing`
 * (the price by id only).
 */
export type SInvoiceLine = {
  id?: string;
  type?: string | null;
  amount?: number | null;
  quantity?: number | null;
  period?: { start: number; end: number } | null;
  proration?: boolean | null;
  subscription?: StripeRef<{ id: string }>;
  subscription_item?: StripeRef<{ id: string }>;
  price?: SPrice | null;
  plan?: SPrice | null;
  parent?: {
    type?: string | null;
    subscription_item_details?: {
      subscription?: string | null;
      subscription_item?: string | null;
      proration?: boolean | null;
    } | null;
  } | null;
  pricing?: { price_details?: { price?: string | null } | null } | null;
};

export type SInvoice = {
  id: string;
  customer?: StripeRef<{ id: string }>;
  /** Older API versions; newer ones put it under `parent.subscription_details`. */
  subscription?: StripeRef<{ id: string }>;
  parent?: { subscription_details?: { subscription?: StripeRef<{ id: string }> } | null } | null;
  status?: string | null;
  currency: string;
  subtotal?: number | null;
  subtotal_excluding_tax?: number | null;
  amount_paid?: number | null;
  attempted?: boolean | null;
  attempt_count?: number | null;
  created: number;
  status_transitions?: { finalized_at?: number | null } | null;
  lines?: { data: SInvoiceLine[]; has_more?: boolean } | null;
};

export const refId = (ref: StripeRef<{ id: string }>): string | null =>
  ref == null ? null : typeof ref === "string" ? ref : ref.id;

import type { IntervalUnit, ItemStatus, PeriodKind } from "@/db/schema";
import { decimalToFraction, roundHalfAwayFromZero } from "@/lib/metrics/mrr";
import type { TItemInput } from "@/lib/revenue/items";
import { type InvoiceFacts, itemVersions, removedItemEnd, subscriptionHistory, toDay } from "./history";
import {
  refId,
  type SCoupon,
  type SDiscount,
  type SPrice,
  type SSubscription,
  type SSubscriptionItem,
  type STaxRate,
  type STier,
  type StripeRef,
} from "./types";

/*
 * A Stripe subscription → Meridian subscription items (METRICS.md MRR-1), as a pure function of the
 * subscription (and the coupons it names), so a re-sync always writes the same rows:
 * - one item per licensed subscription item: price × quantity per interval × interval_count;
 *   metered (usage) prices and one-time prices are left out (usage is reported from invoices);
 * - recurring discounts (forever; repeating until `discount.end`) reduce MRR, `once` ones do not. A
 *   discount that starts or ends inside an item's life splits it into dated versions, so month-end
 *   history is right on both sides of the change;
 * - tax excluded: inclusive tax rates are taken out of the unit amount; exclusive ones never were in it;
 * - history from the customer's invoices (history.ts): a price or quantity change dates from when it was
 *   billed (the item splits into dated versions), items since removed from the subscription are kept for
 *   the periods they were billed;
 * - trial → a trialing period (0); past_due/unpaid → a past_due period from the oldest unpaid invoice
 *   (else the current period's start; counts until pastDueChurnAfterDays); pause_collection or status
 *   paused → a paused period (0) from the current period's start (Stripe gives no "since");
 * - canceled → end date from ended_at, else canceled_at/cancel_at; a scheduled cancellation
 *   (cancel_at, cancel_at_period_end) ends the item on that date;
 * - incomplete and incomplete_expired subscriptions never started: no items.
 */

export type MappedItem = Omit<TItemInput, "customerId">;

export type MappedSubscription = {
  stripeId: string;
  stripeCustomerId: string;
  status: string;
  items: MappedItem[];
  priceIds: string[];
  productIds: string[];
  /** Metered prices on the subscription: usage revenue, not MRR. */
  usagePriceIds: string[];
  startedAt: Date | null;
  endedAt: Date | null;
  /** What could not be mapped (an unexpanded coupon, a tiered price), for the sync's report. */
  warnings: string[];
};

const INTERVALS: Record<string, IntervalUnit> = { day: "day", week: "week", month: "month", year: "year" };

const maxDay = (a: string, b: string) => (a > b ? a : b);
const minDay = (a: string, b: string) => (a > b ? b : a);

type Window = { start: string; end: string | null; coupon: SCoupon };
type Period = { kind: PeriodKind; startDate: string; endDate: string | null };

function couponOf(d: StripeRef<SDiscount>, coupons: ReadonlyMap<string, SCoupon>): SCoupon | null {
  if (!d || typeof d === "string") return null;
  const c = d.coupon ?? d.source?.coupon ?? null;
  if (!c) return null;
  return typeof c === "string" ? (coupons.get(c) ?? null) : c;
}

/** Recurring discount windows; `once` coupons give none (they never reduce MRR). */
function windows(
  discounts: StripeRef<SDiscount>[],
  coupons: ReadonlyMap<string, SCoupon>,
  fallbackStart: string,
  warnings: string[],
): Window[] {
  const out: Window[] = [];
  for (const d of discounts) {
    const coupon = couponOf(d, coupons);
    if (!coupon) {
      if (d) warnings.push(`discount ${typeof d === "string" ? d : (d.id ?? "?")}: coupon not available`);
      continue;
    }
    if (coupon.duration !== "forever" && coupon.duration !== "repeating") continue;
    const discount = typeof d === "object" && d ? d : null;
    const start = discount?.start ? toDay(discount.start) : fallbackStart;
    let end = discount?.end ? toDay(discount.end) : null;
    if (coupon.duration === "repeating" && !end && coupon.duration_in_months) {
      const s = new Date(`${start}T00:00:00Z`);
      s.setUTCMonth(s.getUTCMonth() + coupon.duration_in_months);
      end = s.toISOString().slice(0, 10);
    }
    out.push({ start, end, coupon });
  }
  return out;
}

const activeAt = (w: Window, date: string) => w.start <= date && (w.end === null || w.end > date);

function productOf(price: SPrice): string | null {
  return refId(price.product as StripeRef<{ id: string }>);
}

function couponApplies(coupon: SCoupon, productId: string | null) {
  const only = coupon.applies_to?.products;
  return !only?.length || (productId !== null && only.includes(productId));
}

type Fraction = [bigint, bigint];

const amountOf = (whole: number | null | undefined, decimal: string | null | undefined): Fraction | null =>
  whole !== null && whole !== undefined ? [BigInt(whole), 1n] : decimal ? decimalToFraction(decimal) : null;

/**
 * A tiered price's amount per billing period for `quantity` (Stripe's rules): "volume" prices every unit at
 * the tier the quantity falls in, plus that tier's flat fee; "graduated" prices each tier's units at its
 * own rate, plus the flat fee of every tier reached. Null without tiers.
 */
export function tieredAmount(
  tiers: readonly STier[] | null | undefined,
  mode: string | null | undefined,
  quantity: number,
): Fraction | null {
  if (!tiers?.length) return null;
  const add = ([a, b]: Fraction, [c, d]: Fraction): Fraction => [a * d + c * b, b * d];
  const times = ([a, b]: Fraction, n: number): Fraction => [a * BigInt(n), b];
  const unit = (t: STier) => amountOf(t.unit_amount, t.unit_amount_decimal) ?? [0n, 1n];
  const flat = (t: STier) => amountOf(t.flat_amount, t.flat_amount_decimal) ?? [0n, 1n];
  if (mode === "volume") {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1];
    return tier ? add(times(unit(tier), quantity), quantity > 0 ? flat(tier) : [0n, 1n]) : null;
  }
  let total: Fraction = [0n, 1n];
  let below = 0;
  for (const tier of tiers) {
    if (quantity <= below) break;
    const upTo = tier.up_to === null ? quantity : Math.min(tier.up_to, quantity);
    total = add(add(total, times(unit(tier), upTo - below)), flat(tier));
    below = upTo;
  }
  return total;
}

/**
 * Unit amount net of inclusive tax, and the quantity; fractional-cent prices are folded into one unit, and
 * so is a tiered price (its amount depends on the quantity as a whole).
 */
function amounts(
  price: SPrice,
  quantity: number,
  inclusiveTaxPercent: number,
): { unitAmount: number; quantity: number } | null {
  const whole = price.unit_amount ?? price.amount ?? null;
  let [num, den]: [bigint, bigint] = [0n, 1n];
  let qty = quantity;
  if (price.billing_scheme === "tiered") {
    const tiered = tieredAmount(price.tiers, price.tiers_mode, quantity);
    if (!tiered) return null;
    [num, den] = tiered;
    qty = 1;
  } else if (whole !== null && whole !== undefined) [num, den] = [BigInt(whole), 1n];
  else {
    const decimal = price.unit_amount_decimal ?? price.amount_decimal;
    if (!decimal) return null;
    [num, den] = decimalToFraction(decimal);
    if (num % den !== 0n) {
      [num, qty] = [num * BigInt(quantity), 1];
    }
  }
  if (inclusiveTaxPercent > 0) {
    const [pNum, pDen] = decimalToFraction(inclusiveTaxPercent);
    // unit × 100 / (100 + pct)
    num = num * 100n * pDen;
    den = den * (100n * pDen + pNum);
  }
  return { unitAmount: Number(roundHalfAwayFromZero(num, den)), quantity: qty };
}

function inclusiveTax(rates: StripeRef<STaxRate>[] | null | undefined): number {
  let pct = 0;
  for (const r of rates ?? []) if (r && typeof r === "object" && r.inclusive) pct += r.percentage ?? 0;
  return pct;
}

/** Splits `total` in proportion to `weights`, exactly (largest remainder, ties to the earlier one). */
export function splitProportionally(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => ({ i, rest: (total * w) % sum }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares;
}

function itemStatus(sub: SSubscription): ItemStatus {
  if (sub.status === "trialing") return "trialing";
  if (sub.status === "past_due" || sub.status === "unpaid") return "past_due";
  if (sub.status === "canceled" || sub.status === "incomplete_expired") return "canceled";
  if (sub.status === "paused" || sub.pause_collection) return "paused";
  return "active";
}

function currentPeriodStart(sub: SSubscription): number | null {
  return sub.current_period_start ?? sub.items.data[0]?.current_period_start ?? null;
}

function currentPeriodEnd(sub: SSubscription): number | null {
  return sub.current_period_end ?? sub.items.data[0]?.current_period_end ?? null;
}

function endUnix(sub: SSubscription): number | null {
  if (sub.status === "canceled") return sub.ended_at ?? sub.canceled_at ?? sub.cancel_at ?? null;
  return sub.cancel_at ?? (sub.cancel_at_period_end ? currentPeriodEnd(sub) : null);
}

function periodsOf(sub: SSubscription, start: string, unpaidSince: string | null): Period[] {
  const out: Period[] = [];
  if (sub.trial_start && sub.trial_end && toDay(sub.trial_end) > toDay(sub.trial_start)) {
    out.push({ kind: "trialing", startDate: toDay(sub.trial_start), endDate: toDay(sub.trial_end) });
  } else if (sub.status === "trialing") {
    out.push({ kind: "trialing", startDate: start, endDate: sub.trial_end ? toDay(sub.trial_end) : null });
  }
  const cps = currentPeriodStart(sub);
  const since = maxDay(cps ? toDay(cps) : start, start);
  if (sub.status === "past_due" || sub.status === "unpaid") {
    out.push({
      kind: "past_due",
      startDate: unpaidSince ? maxDay(unpaidSince, start) : since,
      endDate: null,
    });
  }
  if (sub.status === "paused") {
    const from = sub.trial_end ? maxDay(toDay(sub.trial_end), start) : since;
    out.push({ kind: "paused", startDate: from, endDate: null });
  } else if (sub.pause_collection) {
    const resumes = sub.pause_collection.resumes_at ? toDay(sub.pause_collection.resumes_at) : null;
    if (!resumes || resumes > since) out.push({ kind: "paused", startDate: since, endDate: resumes });
  }
  return out;
}

function clip(periods: Period[], start: string, end: string | null): Period[] {
  const out: Period[] = [];
  for (const p of periods) {
    const s = maxDay(p.startDate, start);
    const e = p.endDate === null ? end : end === null ? p.endDate : p.endDate < end ? p.endDate : end;
    if (e !== null && e <= s) continue;
    out.push({ kind: p.kind, startDate: s, endDate: e });
  }
  return out;
}

/**
 * `prices`: prices retrieved by id — tiered prices with their tiers (a subscription's items carry prices
 * without them) and prices only the invoices name (an item's earlier price).
 * `customerDiscount`: the customer's own coupon, when the caller has the customer; else it is read from an
 * expanded `sub.customer`. It applies to a subscription without discounts of its own (Stripe applies the
 * subscription's discounts instead of the customer's, never both).
 * `invoices`: the customer's invoices (history.ts), for price/quantity history, removed items and the
 * start of a past-due period; without them the current state holds from each item's start.
 */
export function mapSubscription(
  sub: SSubscription,
  coupons: ReadonlyMap<string, SCoupon> = new Map(),
  {
    prices: knownPrices = new Map(),
    customerDiscount,
    invoices = [],
  }: {
    prices?: ReadonlyMap<string, SPrice>;
    customerDiscount?: SDiscount | null;
    invoices?: readonly InvoiceFacts[];
  } = {},
): MappedSubscription {
  const warnings: string[] = [];
  const stripeCustomerId = refId(sub.customer) ?? "";
  const startUnix = sub.start_date ?? sub.start ?? sub.created ?? null;
  const end = endUnix(sub);
  const base = {
    stripeId: sub.id,
    stripeCustomerId,
    status: sub.status,
    startedAt: startUnix ? new Date(startUnix * 1000) : null,
    endedAt: end ? new Date(end * 1000) : null,
  };
  const listedPrices = sub.items.data.map((si) => si.price ?? si.plan ?? null);
  const priceIds = [...new Set(listedPrices.flatMap((p) => (p ? [p.id] : [])))];
  const productIds = [
    ...new Set(listedPrices.flatMap((p) => (p && productOf(p) ? [productOf(p) as string] : []))),
  ];
  const usagePriceIds = [
    ...new Set(
      listedPrices.flatMap((p) =>
        (p?.recurring?.usage_type ?? p?.usage_type) === "metered" ? [p?.id ?? ""] : [],
      ),
    ),
  ];
  if (sub.status === "incomplete" || sub.status === "incomplete_expired" || !startUnix) {
    return { ...base, items: [], priceIds, productIds, usagePriceIds, warnings };
  }
  const subStart = toDay(startUnix);
  const subEnd = end ? maxDay(toDay(end), subStart) : null;
  const history = subscriptionHistory(invoices, sub.id);
  const status = itemStatus(sub);
  const periods = periodsOf(sub, subStart, history.unpaidSince);
  const customerLevel =
    customerDiscount ?? (typeof sub.customer === "object" ? sub.customer?.discount : null);
  const subDiscounts = sub.discounts?.length
    ? sub.discounts
    : sub.discount
      ? [sub.discount]
      : customerLevel
        ? [customerLevel]
        : [];
  const subWindows = windows(subDiscounts, coupons, subStart, warnings);
  const taxPercent = (si: SSubscriptionItem | null) =>
    inclusiveTax(si?.tax_rates?.length ? si.tax_rates : sub.default_tax_rates);

  /** A price the item was billed at from `from` (null: the item's start), priced for MRR-1. */
  type Priced = {
    from: string | null;
    price: SPrice;
    unitAmount: number;
    quantity: number;
    interval: IntervalUnit;
    count: number;
  };
  const priced = (price: SPrice, quantity: number, si: SSubscriptionItem | null, from: string | null) => {
    const full =
      price.billing_scheme === "tiered" && !price.tiers ? (knownPrices.get(price.id) ?? price) : price;
    const interval = INTERVALS[full.recurring?.interval ?? full.interval ?? ""];
    if (!interval || full.type === "one_time") return null;
    if ((full.recurring?.usage_type ?? full.usage_type) === "metered") return null;
    const amount = amounts(full, quantity, taxPercent(si));
    if (!amount) {
      warnings.push(
        full.billing_scheme === "tiered"
          ? `price ${full.id}: tiered, but its tiers were not retrieved`
          : `price ${full.id}: no unit amount`,
      );
      return null;
    }
    const count = full.recurring?.interval_count ?? full.interval_count ?? 1;
    return { from, price: full, ...amount, interval, count } satisfies Priced;
  };

  type Line = {
    itemId: string;
    start: string;
    end: string | null;
    versions: Priced[];
    itemWindows: Window[];
  };
  const lines: Line[] = [];
  const currentPeriodDay = (si: SSubscriptionItem) => {
    const cps = si.current_period_start ?? currentPeriodStart(sub);
    return cps ? toDay(cps) : null;
  };
  /** The dated versions of an item from its billed lines; versions at prices we cannot read are skipped. */
  const pricedVersions = (
    itemId: string,
    current: { si: SSubscriptionItem; price: SPrice } | null,
  ): Priced[] => {
    const quantity = current?.si.quantity ?? 1;
    const versions = itemVersions(
      history.lines.get(itemId) ?? [],
      current ? { priceId: current.price.id, quantity, periodStart: currentPeriodDay(current.si) } : null,
    );
    const out: Priced[] = [];
    for (const v of versions) {
      const price = v.priceId === current?.price.id ? current.price : knownPrices.get(v.priceId);
      if (!price) {
        warnings.push(`price ${v.priceId} (billed to ${itemId}): not retrieved, its period is left out`);
        continue;
      }
      const p = priced(price, v.quantity, current?.si ?? null, v.from);
      if (p) out.push(p);
    }
    if (out[0]) out[0].from = null;
    return out;
  };

  for (const si of sub.items.data) {
    const listed = si.price ?? si.plan;
    if (!listed) continue;
    // An item added after the subscription started starts on its own creation day.
    const start =
      si.created && si.created > (sub.created ?? startUnix) + 60
        ? maxDay(toDay(si.created), subStart)
        : subStart;
    const versions = pricedVersions(si.id, { si, price: listed });
    if (!versions.length) continue;
    lines.push({
      itemId: si.id,
      start,
      end: subEnd ? maxDay(subEnd, start) : null,
      versions,
      itemWindows: windows(si.discounts ?? [], coupons, start, warnings),
    });
  }
  // Items since removed from the subscription: the periods their invoices billed.
  const listedIds = new Set(sub.items.data.map((si) => si.id));
  for (const [itemId, billed] of history.lines) {
    if (listedIds.has(itemId)) continue;
    const first = billed.find((l) => !l.proration || l.amount >= 0);
    if (!first) continue;
    const start = maxDay(toDay(first.start), subStart);
    const removed = removedItemEnd(billed);
    const stop = removed && subEnd ? minDay(removed, subEnd) : (removed ?? subEnd);
    if (stop !== null && stop <= start) continue;
    const versions = pricedVersions(itemId, null);
    if (versions.length) lines.push({ itemId, start, end: stop, versions, itemWindows: [] });
  }

  // A subscription-level amount_off applies to the invoice: share it across its items by amount (their
  // latest prices).
  const weights = lines.map((l) => {
    const v = l.versions.at(-1);
    return v ? v.unitAmount * v.quantity : 0;
  });

  const items: MappedItem[] = [];
  for (const [index, line] of lines.entries()) {
    const own = line.itemWindows;
    const cuts = new Set<string>([line.start]);
    const inside = (d: string | null): d is string =>
      d !== null && d > line.start && (line.end === null || d < line.end);
    for (const w of [...subWindows, ...own]) for (const d of [w.start, w.end]) if (inside(d)) cuts.add(d);
    for (const v of line.versions) if (inside(v.from)) cuts.add(v.from);
    const starts = [...cuts].sort();
    for (const [i, segStart] of starts.entries()) {
      const segEnd = starts[i + 1] ?? line.end;
      const version =
        line.versions.findLast((v) => v.from === null || v.from <= segStart) ?? (line.versions[0] as Priced);
      const product = productOf(version.price);
      let percent = 0;
      let amountOff = 0;
      for (const w of [...subWindows, ...own]) {
        if (!couponApplies(w.coupon, product) || !activeAt(w, segStart)) continue;
        if (w.coupon.percent_off) percent += w.coupon.percent_off;
        if (w.coupon.amount_off && (!w.coupon.currency || w.coupon.currency === version.price.currency)) {
          amountOff += own.includes(w)
            ? w.coupon.amount_off
            : (splitProportionally(w.coupon.amount_off, weights)[index] ?? 0);
        }
      }
      items.push({
        source: "stripe",
        externalId: i === 0 ? `${sub.id}/${line.itemId}` : `${sub.id}/${line.itemId}@${segStart}`,
        plan: {
          externalId: version.price.id,
          name:
            version.price.nickname ??
            (typeof version.price.product === "object" ? version.price.product?.name : null) ??
            version.price.id,
        },
        quantity: version.quantity,
        unitAmount: version.unitAmount,
        currency: version.price.currency.toUpperCase(),
        intervalUnit: version.interval,
        intervalCount: version.count,
        discountPercent: percent ? Math.min(percent, 100) : null,
        discountAmount: amountOff || null,
        startDate: segStart,
        endDate: segEnd,
        status,
        periods: clip(periods, segStart, segEnd),
      });
    }
  }
  return { ...base, items, priceIds, productIds, usagePriceIds, warnings };
}

/** Coupon ids a subscription names without embedding the coupon (newer API versions), to fetch first. */
export function couponIdsToFetch(sub: SSubscription): string[] {
  const ids = new Set<string>();
  const visit = (d: StripeRef<SDiscount>) => {
    if (!d || typeof d === "string") return;
    const c = d.coupon ?? d.source?.coupon;
    if (typeof c === "string") ids.add(c);
  };
  for (const d of sub.discounts ?? []) visit(d);
  visit(sub.discount);
  if (typeof sub.customer === "object") visit(sub.customer?.discount);
  for (const si of sub.items.data) for (const d of si.discounts ?? []) visit(d);
  return [...ids];
}

/**
 * Prices to retrieve (with expand=tiers) before mapping: tiered prices whose tiers the subscription does not
 * carry, and prices its invoices billed that are neither on it now nor in `have` (embedded in the invoices).
 */
export function priceIdsToFetch(
  sub: SSubscription,
  invoices: readonly InvoiceFacts[] = [],
  have: ReadonlyMap<string, SPrice> = new Map(),
): string[] {
  const ids = new Set<string>();
  const listed = new Set<string>();
  const need = (price: SPrice) => price.billing_scheme === "tiered" && !price.tiers;
  for (const si of sub.items.data) {
    const price = si.price ?? si.plan;
    if (!price) continue;
    listed.add(price.id);
    if (need(price)) ids.add(price.id);
  }
  for (const inv of invoices) {
    for (const line of inv.lines) {
      if (line.subscriptionId !== sub.id || listed.has(line.priceId)) continue;
      const known = have.get(line.priceId);
      if (!known || need(known)) ids.add(line.priceId);
    }
  }
  return [...ids];
}

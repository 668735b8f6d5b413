import { refId, type SInvoice, type SInvoiceLine, type SPrice } from "./types";

/*
 * What invoices tell about the past, which a subscription (its current state only) does not:
 * - the price and quantity each subscription item was billed at, period by period, so a price or seat
 *   change mid-life dates from when it happened instead of rewriting the item's whole history;
 * - items since removed from the subscription, which Stripe no longer lists on it;
 * - since when a past-due subscription has been unpaid (its oldest open, attempted invoice);
 * - failed payment attempts, for invoices that failed before Meridian saw their webhook.
 * Pure functions of the invoices, so a re-sync writes the same rows (see mapping.ts).
 */

/** One invoice line billing a subscription item: the evidence of its price and quantity from `start`. */
export type BilledLine = {
  subscriptionId: string;
  itemId: string;
  priceId: string;
  quantity: number;
  /** Unix seconds: the billed period's start; for a proration, the moment of the change. */
  start: number;
  /** Unix seconds: the billed period's end. */
  end: number;
  proration: boolean;
  amount: number;
};

/** The parts of an invoice the history needs (also what `stripe_invoices` keeps of it). */
export type InvoiceFacts = {
  id: string;
  subscriptionId: string | null;
  status: string | null;
  attemptCount: number;
  /** Unix seconds. */
  created: number;
  finalizedAt: number | null;
  lines: BilledLine[];
};

function billedLine(line: SInvoiceLine, invoiceSubscription: string | null): BilledLine | null {
  const details = line.parent?.subscription_item_details ?? null;
  const subscriptionItem = details?.subscription_item ?? refId(line.subscription_item);
  // Invoice items (one-off charges) may name a subscription item too: only subscription lines count.
  const isSubscriptionLine =
    line.parent?.type === "subscription_item_details" || line.type === "subscription";
  if (!isSubscriptionLine || !subscriptionItem || !line.period) return null;
  const subscriptionId = details?.subscription ?? refId(line.subscription) ?? invoiceSubscription;
  const priceId = line.price?.id ?? line.plan?.id ?? line.pricing?.price_details?.price ?? null;
  if (!subscriptionId || !priceId) return null;
  return {
    subscriptionId,
    itemId: subscriptionItem,
    priceId,
    quantity: line.quantity ?? 1,
    start: line.period.start,
    end: line.period.end,
    proration: details?.proration ?? line.proration ?? false,
    amount: line.amount ?? 0,
  };
}

export function invoiceFacts(inv: SInvoice): InvoiceFacts {
  const subscriptionId = refId(inv.subscription) ?? refId(inv.parent?.subscription_details?.subscription);
  return {
    id: inv.id,
    subscriptionId,
    status: inv.status ?? null,
    attemptCount: inv.attempt_count ?? 0,
    created: inv.created,
    finalizedAt: inv.status_transitions?.finalized_at ?? null,
    lines: (inv.lines?.data ?? []).flatMap((l) => billedLine(l, subscriptionId) ?? []),
  };
}

/** Price objects the invoices embed (older API versions), so they need not be retrieved. */
export function embeddedPrices(invoices: readonly SInvoice[]): Map<string, SPrice> {
  const out = new Map<string, SPrice>();
  for (const inv of invoices) {
    for (const line of inv.lines?.data ?? []) {
      const price = line.price ?? line.plan;
      if (price && typeof price === "object" && price.id) out.set(price.id, price);
    }
  }
  return out;
}

/** Failed payment attempts of an invoice: every attempt, but the one that paid it. */
export function failedAttempts(inv: Pick<InvoiceFacts, "status" | "attemptCount">): number {
  return Math.max(0, inv.attemptCount - (inv.status === "paid" ? 1 : 0));
}

export const toDay = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);

const nextDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** One subscription's billing history, from its invoices. */
export type SubscriptionHistory = {
  /** Billed lines per subscription item id, in time order. */
  lines: Map<string, BilledLine[]>;
  /** The day its oldest still-unpaid attempted invoice was created (status open or uncollectible). */
  unpaidSince: string | null;
};

export function subscriptionHistory(
  invoices: readonly InvoiceFacts[],
  subscriptionId: string,
): SubscriptionHistory {
  const lines = new Map<string, BilledLine[]>();
  let unpaid: number | null = null;
  for (const inv of invoices) {
    for (const line of inv.lines) {
      if (line.subscriptionId !== subscriptionId) continue;
      const list = lines.get(line.itemId) ?? [];
      list.push(line);
      lines.set(line.itemId, list);
    }
    const open = inv.status === "open" || inv.status === "uncollectible";
    if (inv.subscriptionId === subscriptionId && open && inv.attemptCount > 0) {
      unpaid = unpaid === null ? inv.created : Math.min(unpaid, inv.created);
    }
  }
  for (const list of lines.values())
    list.sort((a, b) => a.start - b.start || Number(a.proration) - Number(b.proration));
  return { lines, unpaidSince: unpaid === null ? null : toDay(unpaid) };
}

/** A (price, quantity) an item was billed at from `from` (null: from the item's start). */
export type Version = { from: string | null; priceId: string; quantity: number };

/**
 * The item's (price, quantity) over time. Each full-period line says what the period was billed at; a
 * proration line that charges (the "remaining time on …" line) says what the item changed to, and when.
 * Credits for unused time describe the old state and are skipped. `current` (the item as Stripe shows it
 * now; none for an item since removed) ends the list: when the invoices have not billed it yet, the
 * change counts from the current billing period's start, or from the day after the last bill when that
 * billed the old state in this period (once Stripe bills the change, its proration line dates it exactly).
 */
export function itemVersions(
  lines: readonly BilledLine[],
  current: { priceId: string; quantity: number; periodStart: string | null } | null,
): Version[] {
  const versions: Version[] = [];
  const same = (v: Version | undefined, priceId: string, quantity: number) =>
    v !== undefined && v.priceId === priceId && v.quantity === quantity;
  for (const line of lines) {
    if (line.proration && line.amount < 0) continue;
    const last = versions.at(-1);
    if (same(last, line.priceId, line.quantity)) continue;
    const from = toDay(line.start);
    if (last && last.from === from) versions.pop();
    if (same(versions.at(-1), line.priceId, line.quantity)) continue;
    versions.push({ from, priceId: line.priceId, quantity: line.quantity });
  }
  if (current && !same(versions.at(-1), current.priceId, current.quantity)) {
    const billed = lines.filter((l) => !l.proration || l.amount >= 0).at(-1);
    const lastBill = billed ? toDay(billed.start) : null;
    let from = current.periodStart;
    if (lastBill && (!from || from <= lastBill)) from = nextDay(lastBill);
    versions.push({
      from: versions.length ? from : null,
      priceId: current.priceId,
      quantity: current.quantity,
    });
  }
  const [first] = versions;
  if (first) first.from = null;
  return versions;
}

/**
 * When an item no longer on the subscription stopped: the moment of its credit for unused time (a removal
 * mid-period), else the end of the last period it was billed for.
 */
export function removedItemEnd(lines: readonly BilledLine[]): string | null {
  const billed = lines.filter((l) => !l.proration || l.amount >= 0).at(-1);
  const credit = lines.filter((l) => l.proration && l.amount < 0).at(-1);
  if (credit && (!billed || credit.start >= billed.start)) return toDay(credit.start);
  return billed ? toDay(billed.end) : null;
}

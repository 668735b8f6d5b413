import type { CustomerItem } from "@/db/queries/customers";
import { formatMoney } from "@/lib/money";

/** `Mar 2025` from `2025-03-01`. */
export function formatMonth(month: string): string {
  return new Date(`${month}T00:00:00Z`).toLocaleDateString("en-US", {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** `2 × $40.00 / month`, `1 × €120.00 / 3 months`, with a recurring discount `− 10%` or `− $5.00`. */
export function describePrice(item: CustomerItem): string {
  const unit = item.intervalCount === 1 ? item.intervalUnit : `${item.intervalCount} ${item.intervalUnit}s`;
  const discounts = [
    item.discountPercent != null && Number(item.discountPercent) > 0
      ? `${Number(item.discountPercent)}%`
      : null,
    item.discountAmount ? formatMoney(item.discountAmount, item.currency) : null,
  ].filter(Boolean);
  const price = `${item.quantity} × ${formatMoney(item.unitAmount, item.currency)} / ${unit}`;
  return discounts.length ? `${price} − ${discounts.join(" − ")}` : price;
}

/** Whether the item is in service on `day` (start ≤ day < end, MRR-2). */
export function inService(item: Pick<CustomerItem, "startDate" | "endDate">, day: string): boolean {
  return item.startDate <= day && (item.endDate === null || item.endDate > day);
}

/**
 * What the item adds to MRR in its current status (MRR-1: trialing and paused items add 0), and what it
 * adds when paying, where that differs: `{ now: 0, paying: 10_000 }` for a $100/month trial.
 */
export function itemMrrNow(item: Pick<CustomerItem, "status" | "mrr">): {
  now: number;
  paying: number | null;
} {
  const free = item.status === "trialing" || item.status === "paused";
  return free && item.mrr !== 0 ? { now: 0, paying: item.mrr } : { now: item.mrr, paying: null };
}

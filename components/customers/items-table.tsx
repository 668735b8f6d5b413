import Link from "next/link";
import { Table } from "@/components/ui/table";
import type { CustomerItem } from "@/db/queries/customers";
import { formatMoney } from "@/lib/money";
import { describePrice, itemMrrNow } from "./describe";

const SOURCE_LABEL = { csv: "CSV import", stripe: "Stripe", manual: "Manual" } as const;

/** A customer's subscription items; manual ones get an Edit link when the viewer may write. */
export function ItemsTable({
  items,
  reportingCurrency,
  editHref,
}: {
  items: CustomerItem[];
  reportingCurrency: string;
  /** The link that opens an item's edit panel; undefined for read-only viewers. */
  editHref?: (item: CustomerItem) => string;
}) {
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Table
      columns={[
        { label: "Plan" },
        { label: "Price" },
        { label: "Currency", className: "hidden sm:table-cell" },
        { label: "Start" },
        { label: "End" },
        { label: "Status" },
        { label: `MRR (${reportingCurrency})`, className: "text-right" },
        { label: "Actions", srOnly: true, className: "hidden sm:table-cell" },
      ]}
    >
      {items.map((item) => {
        const action =
          item.source !== "manual" ? (
            <span className="text-xs text-slate-500">{SOURCE_LABEL[item.source]}: read-only</span>
          ) : editHref ? (
            <Link
              href={editHref(item)}
              className="font-medium text-indigo-700 underline"
              aria-label={`Edit or end ${item.planName ?? "item"} from ${item.startDate}`}
            >
              Edit
            </Link>
          ) : null;
        const mrr = itemMrrNow(item);
        return (
          <tr key={item.id} data-testid={`item-${item.externalId}`}>
            <td className="py-2 pr-4">
              <p className="font-medium">{item.planName ?? "—"}</p>
              {/* On phones the row scrolls sideways: keep its action in sight, under the plan. */}
              {action && <p className="whitespace-nowrap sm:hidden">{action}</p>}
            </td>
            <td className="min-w-[9rem] py-2 pr-4 tabular-nums">{describePrice(item)}</td>
            <td className="hidden py-2 pr-4 sm:table-cell">{item.currency}</td>
            <td className="whitespace-nowrap py-2 pr-4 tabular-nums">{item.startDate}</td>
            <td className="whitespace-nowrap py-2 pr-4 tabular-nums">{item.endDate ?? "—"}</td>
            <td className="py-2 pr-4">{statusNow(item, today)}</td>
            <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
              {formatMoney(mrr.now, reportingCurrency)}
              {mrr.paying !== null && (
                <span className="block text-xs text-slate-500">
                  {formatMoney(mrr.paying, reportingCurrency)} when paying
                </span>
              )}
            </td>
            <td className="hidden whitespace-nowrap py-2 text-right sm:table-cell">{action}</td>
          </tr>
        );
      })}
    </Table>
  );
}

/**
 * The item's status as of today: an active or past-due item whose end date has passed is "ended" (the
 * earlier part of an item an import split, say, or a row exported before its cancellation showed).
 */
function statusNow(item: CustomerItem, today: string): string {
  const ended = item.endDate !== null && item.endDate <= today;
  return ended && (item.status === "active" || item.status === "past_due")
    ? "ended"
    : item.status.replace("_", " ");
}

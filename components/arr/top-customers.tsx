import Link from "next/link";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { getTopCustomers, type TopCustomer } from "@/db/queries/revenue";
import { TOP_CUSTOMERS } from "@/lib/arr/exports";
import { formatMonthLabel, MOVEMENT_LABELS } from "@/lib/arr/format";
import { formatMoney } from "@/lib/money";
import { type ArrContext, customerHref, customersHref, drillHref, exportHref } from "./context";
import { ExportLink, Section } from "./section";

/** The largest customers by MRR at the end of the view's last month. */
export async function TopCustomersSection({ ctx }: { ctx: ArrContext }) {
  const { org, view } = ctx;
  const rows = await getTopCustomers(getDb(), {
    orgId: org.id,
    month: view.to,
    limit: TOP_CUSTOMERS,
    filters: view.filters,
  });
  return (
    <Section
      id="top-customers"
      title="Top customers"
      description={`By MRR at the end of ${formatMonthLabel(view.to)}.`}
      actions={
        <>
          <Link href={customersHref(ctx)} className="text-indigo-700 underline">
            All customers
          </Link>
          <ExportLink href={exportHref(ctx, "top-customers")} label="CSV" />
        </>
      }
    >
      <CustomerMrrTable ctx={ctx} rows={rows} />
    </Section>
  );
}

export function CustomerMrrTable({ ctx, rows }: { ctx: ArrContext; rows: TopCustomer[] }) {
  const currency = ctx.org.currency;
  if (!rows.length) return <p className="text-sm text-slate-600">No customer has MRR at this month end.</p>;
  return (
    <Table
      columns={[
        { label: "Customer" },
        { label: "MRR", className: "text-right" },
        { label: "ARR", className: "text-right hidden 2xl:table-cell" },
        { label: "Plans" },
        { label: "Customer since", className: "whitespace-nowrap" },
        { label: "Last movement", className: "whitespace-nowrap" },
      ]}
    >
      {rows.map((c) => (
        <tr key={c.customerId} data-testid={`top-${c.externalId}`}>
          <td className="py-1.5 pr-4">
            <Link
              href={customerHref(ctx, c.customerId)}
              className="font-medium text-indigo-700 hover:underline"
            >
              {c.name}
            </Link>
          </td>
          <td className="whitespace-nowrap py-1.5 pr-4 text-right tabular-nums">
            {formatMoney(c.mrr, currency)}
          </td>
          <td className="hidden whitespace-nowrap py-1.5 pr-4 text-right tabular-nums 2xl:table-cell">
            {formatMoney(12 * c.mrr, currency)}
          </td>
          <td className="py-1.5 pr-4">{c.plans.join(", ") || "—"}</td>
          <td className="whitespace-nowrap py-1.5 pr-4" data-testid="since">
            {c.customerSince ? formatMonthLabel(c.customerSince) : "—"}
          </td>
          <td className="whitespace-nowrap py-1.5 pr-4" data-testid="last-movement">
            {c.lastMovement ? (
              <Link
                href={drillHref(ctx, c.lastMovement.month, c.lastMovement.kind)}
                className="text-indigo-700 hover:underline"
              >
                {MOVEMENT_LABELS[c.lastMovement.kind]}, {formatMonthLabel(c.lastMovement.month)}
              </Link>
            ) : (
              "—"
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}

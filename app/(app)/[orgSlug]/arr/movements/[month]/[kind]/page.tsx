import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { arrHref, customerHref, exportHref } from "@/components/arr/context";
import { ExportLink, Section } from "@/components/arr/section";
import { loadArrView } from "@/components/arr/view";
import { PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { addMonths, countMovementCustomers, getMovementCustomers, ZMonth } from "@/db/queries/revenue";
import { ZMovementKind } from "@/db/queries/revenue-json";
import { formatMonthLabel, MOVEMENT_LABELS } from "@/lib/arr/format";
import type { SearchParams } from "@/lib/arr/params";
import { formatMoney } from "@/lib/money";

export const metadata: Metadata = { title: "Movement" };

/** The page shows this many customers; the CSV export has all of them. */
const PAGE_LIMIT = 200;

export default async function MovementPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string; month: string; kind: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { orgSlug, month: rawMonth, kind: rawKind } = await params;
  const { ctx } = await loadArrView(
    orgSlug,
    await searchParams,
    `/${orgSlug}/arr/movements/${rawMonth}/${rawKind}`,
  );
  const month = ZMonth.safeParse(rawMonth);
  const kind = ZMovementKind.safeParse(rawKind);
  if (!month.success || !kind.success) notFound();
  const { org, view } = ctx;
  const movement = { orgId: org.id, month: month.data, kind: kind.data, filters: view.filters };
  const db = getDb();
  const [customers, total] = await Promise.all([
    getMovementCustomers(db, { ...movement, limit: PAGE_LIMIT }),
    countMovementCustomers(db, movement),
  ]);
  const currency = org.currency;
  const sum = customers.reduce((s, c) => s + Math.abs(c.mrrAfter - c.mrrBefore), 0);
  const title = `${MOVEMENT_LABELS[kind.data]}, ${formatMonthLabel(month.data)}`;
  return (
    <div className="space-y-6">
      <div>
        <Link href={arrHref(ctx)} className="text-sm text-indigo-700 underline">
          ← ARR dashboard
        </Link>
      </div>
      <PageHeader
        title={title}
        description={`${total} customer${total === 1 ? "" : "s"}, MRR at the end of ${formatMonthLabel(
          addMonths(month.data, -1),
        )} (before) and of ${formatMonthLabel(month.data)} (after), in ${currency} (MOV-1).`}
      />
      <Section
        id="movement-customers"
        title="Customers behind this movement"
        description={
          total > PAGE_LIMIT
            ? `The ${PAGE_LIMIT} largest of ${total}; the CSV has all of them.`
            : `Total ${formatMoney(sum, currency)}.`
        }
        actions={
          <ExportLink
            href={exportHref(ctx, "movement", { month: month.data, kind: kind.data })}
            label="CSV"
          />
        }
      >
        {customers.length === 0 ? (
          <p className="text-sm text-slate-600">No customer had this movement in this month.</p>
        ) : (
          <Table
            columns={[
              { label: "Customer" },
              { label: "MRR before", className: "text-right whitespace-nowrap" },
              { label: "MRR after", className: "text-right whitespace-nowrap" },
              { label: "Change", className: "text-right" },
              { label: "Items that changed" },
            ]}
          >
            {customers.map((c) => (
              <tr key={c.customerId} data-testid={`mover-${c.externalId}`} className="align-top">
                <td className="py-2 pr-4">
                  <Link
                    href={customerHref(ctx, c.customerId)}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {c.name}
                  </Link>
                  <span className="block font-mono text-xs text-slate-500">{c.externalId}</span>
                </td>
                <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
                  {formatMoney(c.mrrBefore, currency)}
                </td>
                <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
                  {formatMoney(c.mrrAfter, currency)}
                </td>
                <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
                  {c.mrrAfter >= c.mrrBefore ? "+" : "−"}
                  {formatMoney(Math.abs(c.mrrAfter - c.mrrBefore), currency)}
                </td>
                <td className="py-2 pr-4">
                  <ul className="space-y-0.5 text-xs text-slate-700">
                    {c.items.map((i) => (
                      <li key={i.itemId}>
                        <span className="font-medium">{i.planName ?? i.planExternalId ?? "No plan"}</span>{" "}
                        {i.change}:{" "}
                        <span className="tabular-nums">
                          {formatMoney(i.mrrBefore, currency)} → {formatMoney(i.mrrAfter, currency)}
                        </span>{" "}
                        <span className="text-slate-500">
                          ({i.startDate}
                          {i.endDate ? ` – ${i.endDate}` : ""})
                        </span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </div>
  );
}

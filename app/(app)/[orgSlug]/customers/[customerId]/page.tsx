import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { MrrTrendChart } from "@/components/charts/mrr-trend-chart";
import { formatMonth } from "@/components/customers/describe";
import { CurrencyList, EndItemForm, ItemForm } from "@/components/customers/item-form";
import { ItemsTable } from "@/components/customers/items-table";
import { MovementsList } from "@/components/customers/movements-list";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import {
  getCustomer,
  getCustomerMrrHistory,
  listCustomerItems,
  listCustomerMovements,
} from "@/db/queries/customers";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatDate } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { hasRole } from "@/lib/orgs/roles";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string; customerId: string }>;
  searchParams: Promise<{ edit?: string | string[] }>;
}) {
  const { orgSlug, customerId } = await params;
  const { edit } = await searchParams;
  const { org, role } = await requireOrgPage(orgSlug, "viewer", `/${orgSlug}/customers/${customerId}`);
  // Not a uuid cannot be a customer; asking the database would be an error, not a miss.
  if (!z.uuid().safeParse(customerId).success) notFound();
  const db = getDb();
  const customer = await getCustomer(db, { orgId: org.id, customerId });
  if (!customer) notFound();
  const [history, items, movements] = await Promise.all([
    getCustomerMrrHistory(db, { orgId: org.id, customerId }),
    listCustomerItems(db, { orgId: org.id, customerId }),
    listCustomerMovements(db, { orgId: org.id, customerId }),
  ]);
  const canWrite = hasRole(role, "member");
  const base = `/${org.slug}/customers/${customer.id}`;
  const current = history.at(-1) ?? { month: "", mrr: 0 };
  const editing = canWrite ? items.find((i) => i.id === edit && i.source === "manual") : undefined;
  // Ending defaults to today, or to the start for an item that has not started (ISO dates sort as text).
  const today = new Date().toISOString().slice(0, 10);
  const profile: [string, string | null][] = [
    ["Customer id", customer.externalId],
    ["Email", customer.email],
    ["Company", customer.company],
    ["Country", customer.country],
    ["Industry", customer.industry],
    ["Segment", customer.segment],
    ["Added", formatDate(customer.createdAt)],
  ];

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/${org.slug}/customers`} className="text-sm text-indigo-700 underline">
          ← Customers
        </Link>
      </div>
      <PageHeader title={customer.name} description={customer.company ?? undefined} />
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="space-y-6">
          <Card title="Current MRR">
            <p className="text-3xl font-semibold tabular-nums text-slate-900" data-testid="current-mrr">
              {formatMoney(current.mrr, org.currency)}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              At the end of {formatMonth(current.month)} · ARR {formatMoney(current.mrr * 12, org.currency)}
            </p>
          </Card>
          <Card title="Profile">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              {profile.map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="text-slate-500">{label}</dt>
                  <dd className="min-w-0 break-words text-slate-900">{value || "—"}</dd>
                </div>
              ))}
            </dl>
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <Card title="MRR history" description="MRR at each month end, in the reporting currency.">
            <div aria-hidden="true" className="mb-2">
              <MrrTrendChart
                points={history.map((h) => ({ month: h.month.slice(0, 7), mrr: h.mrr }))}
                currency={org.currency}
                className="h-40"
              />
            </div>
            <details>
              <summary className="cursor-pointer text-sm text-indigo-700 underline">Show as a table</summary>
              <div className="mt-2">
                <Table
                  columns={[{ label: "Month" }, { label: `MRR (${org.currency})`, className: "text-right" }]}
                >
                  {history.map((h) => (
                    <tr key={h.month} data-testid={`mrr-${h.month.slice(0, 7)}`}>
                      <td className="py-1.5 pr-4">{formatMonth(h.month)}</td>
                      <td className="py-1.5 pr-4 text-right tabular-nums">
                        {formatMoney(h.mrr, org.currency)}
                      </td>
                    </tr>
                  ))}
                </Table>
              </div>
            </details>
          </Card>
          <Card
            title="Movements"
            description="Every MOV-1 movement of this customer, newest first: MRR at the end of the month before → at the end of the month."
          >
            <MovementsList movements={movements} currency={org.currency} />
          </Card>
        </div>
      </div>
      <Card
        title={`Subscription items (${items.length})`}
        description="MRR is each item's MRR-1 in the reporting currency, at the rate on its start date; 0 while it is trialing or paused. Items from a CSV import or Stripe are read-only here: change them at their source."
      >
        {items.length ? (
          <ItemsTable
            items={items}
            reportingCurrency={org.currency}
            editHref={canWrite ? (i) => `${base}?edit=${i.id}#edit-item` : undefined}
          />
        ) : (
          <p className="text-sm text-slate-600">
            No subscription items yet.
            {canWrite ? " Add one below: its MRR counts from its start date." : ""}
          </p>
        )}
      </Card>
      {editing && (
        <div id="edit-item" className="scroll-mt-4">
          <Card
            title={`Edit ${editing.planName ?? "item"} from ${editing.startDate}`}
            description={
              <Link href={base} className="text-indigo-700 underline">
                Close
              </Link>
            }
          >
            <ItemForm orgSlug={org.slug} customerId={customer.id} currency={org.currency} item={editing} />
            <div className="mt-6 border-t border-slate-100 pt-4">
              <h3 className="mb-2 text-sm font-semibold text-slate-900">End this item</h3>
              <EndItemForm
                orgSlug={org.slug}
                itemId={editing.id}
                defaultDate={editing.endDate ?? [today, editing.startDate].sort()[1] ?? today}
              />
            </div>
          </Card>
        </div>
      )}
      {canWrite && (
        <Card
          title="Add a subscription item"
          description="What the customer pays per billing period for one plan. It counts from the start date to the day before the end date."
        >
          <ItemForm orgSlug={org.slug} customerId={customer.id} currency={org.currency} />
        </Card>
      )}
      {canWrite && <CurrencyList />}
    </div>
  );
}

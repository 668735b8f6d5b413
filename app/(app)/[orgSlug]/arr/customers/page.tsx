import type { Metadata } from "next";
import Link from "next/link";
import { arrHref, exportHref } from "@/components/arr/context";
import { ExportLink, Section } from "@/components/arr/section";
import { CustomerMrrTable } from "@/components/arr/top-customers";
import { loadArrView } from "@/components/arr/view";
import { PageHeader } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getTopCustomers } from "@/db/queries/revenue";
import { CUSTOMER_LIST_LIMIT } from "@/lib/arr/exports";
import { formatMonthLabel } from "@/lib/arr/format";
import type { SearchParams } from "@/lib/arr/params";
import { formatMoney } from "@/lib/money";

export const metadata: Metadata = { title: "Customers with MRR" };

/** The rows behind MRR, ARR, ARPA and active customers: every customer with MRR at the month end. */
export default async function ArrCustomersPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { orgSlug } = await params;
  const { ctx } = await loadArrView(orgSlug, await searchParams, `/${orgSlug}/arr/customers`);
  const { org, view } = ctx;
  const rows = await getTopCustomers(getDb(), {
    orgId: org.id,
    month: view.to,
    limit: CUSTOMER_LIST_LIMIT,
    filters: view.filters,
  });
  const total = rows.reduce((s, r) => s + r.mrr, 0);
  return (
    <div className="space-y-6">
      <div>
        <Link href={arrHref(ctx)} className="text-sm text-indigo-700 underline">
          ← ARR dashboard
        </Link>
      </div>
      <PageHeader
        title={`Customers with MRR, ${formatMonthLabel(view.to)}`}
        description={`${rows.length} customer${rows.length === 1 ? "" : "s"}, MRR ${formatMoney(total, org.currency)} (CUS-1, MRR-3) under the dashboard's filters.`}
      />
      <Section
        id="mrr-customers"
        title="By MRR"
        description={rows.length >= CUSTOMER_LIST_LIMIT ? `The ${CUSTOMER_LIST_LIMIT} largest.` : undefined}
        actions={<ExportLink href={exportHref(ctx, "customers")} label="CSV" />}
      >
        <CustomerMrrTable ctx={ctx} rows={rows} />
      </Section>
    </div>
  );
}

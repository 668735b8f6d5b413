import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { arrHref, customerHref } from "@/components/arr/context";
import { Section } from "@/components/arr/section";
import { loadArrView } from "@/components/arr/view";
import { PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { getCohortCustomers, monthDiff, ZMonth } from "@/db/queries/revenue";
import { formatMonthLabel, formatRate } from "@/lib/arr/format";
import type { SearchParams } from "@/lib/arr/params";
import { ratio } from "@/lib/metrics/rates";
import { formatMoney } from "@/lib/money";

export const metadata: Metadata = { title: "Cohort" };

/** The page shows this many customers, largest new business first. */
const PAGE_LIMIT = 500;

/** The customers behind one cohort heatmap cell (COH-1): cohort c, their MRR at the end of c+k. */
export default async function CohortCellPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgSlug: string; cohort: string; month: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { orgSlug, cohort: rawCohort, month: rawMonth } = await params;
  const { ctx } = await loadArrView(
    orgSlug,
    await searchParams,
    `/${orgSlug}/arr/cohorts/${rawCohort}/${rawMonth}`,
  );
  const cohort = ZMonth.safeParse(rawCohort);
  const month = ZMonth.safeParse(rawMonth);
  if (!cohort.success || !month.success || month.data < cohort.data) notFound();
  const { org, view } = ctx;
  const cell = await getCohortCustomers(getDb(), {
    orgId: org.id,
    cohort: cohort.data,
    month: month.data,
    filters: view.filters,
    limit: PAGE_LIMIT,
  });
  const currency = org.currency;
  const k = monthDiff(cohort.data, month.data);
  const start = formatMonthLabel(cohort.data);
  const end = formatMonthLabel(month.data);
  return (
    <div className="space-y-6">
      <div>
        <Link href={`${arrHref(ctx)}#cohorts`} className="text-sm text-indigo-700 underline">
          ← ARR dashboard
        </Link>
      </div>
      <PageHeader
        title={`Cohort ${start}, month ${k} (${end})`}
        description={`Customers whose new business was in ${start} (COH-1), with their MRR then and at the end of ${end}, in ${currency}, under the dashboard's filters.`}
      />
      <Section
        id="cohort-customers"
        title="Customers of this cohort"
        description={
          cell.customers > PAGE_LIMIT
            ? `The ${PAGE_LIMIT} largest of ${cell.customers}.`
            : `${cell.customers} customer${cell.customers === 1 ? "" : "s"}.`
        }
      >
        <dl className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4" data-testid="cohort-totals">
          <Total label="Customers at start" value={String(cell.customers)} testId="total-customers" />
          <Total
            label={`Retained at ${end}`}
            value={`${cell.retained} (${formatRate(ratio(cell.retained, cell.customers))})`}
            testId="total-retained"
          />
          <Total label="Starting MRR" value={formatMoney(cell.startMrr, currency)} testId="total-start" />
          <Total
            label={`MRR at ${end}`}
            value={`${formatMoney(cell.endMrr, currency)} (${formatRate(ratio(cell.endMrr, cell.startMrr))})`}
            testId="total-end"
          />
        </dl>
        {cell.rows.length === 0 ? (
          <p className="text-sm text-slate-600">No customer started in this month under these filters.</p>
        ) : (
          <Table
            columns={[
              { label: "Customer" },
              { label: "Start MRR (new business)", className: "text-right" },
              { label: `MRR at ${end}`, className: "text-right" },
              { label: "Logo" },
            ]}
          >
            {cell.rows.map((c) => (
              <tr key={c.customerId} data-testid={`cohort-${c.externalId}`}>
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
                  {formatMoney(c.startMrr, currency)}
                </td>
                <td className="whitespace-nowrap py-2 pr-4 text-right tabular-nums">
                  {formatMoney(c.endMrr, currency)}
                </td>
                <td className="py-2 pr-4" data-testid="logo">
                  {c.endMrr > 0 ? "Retained" : <span className="text-red-700">Not retained</span>}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </div>
  );
}

function Total({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-md p-3 ring-1 ring-slate-200">
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className="mt-1 font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

import type { Metadata } from "next";
import { ActionForm, Field } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { CURRENCY_LIST, CurrencyAndTimeZoneLists } from "@/components/ui/datalists";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { setFxRateAction } from "@/lib/actions/set-fx-rate";
import { requireOrgPage } from "@/lib/auth/org-context";
import { listFxRates } from "@/lib/revenue/fx";

export const metadata: Metadata = { title: "Exchange rates" };

export default async function ExchangeRatesPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  const rates = await listFxRates(getDb(), org.id);
  return (
    <>
      <Card
        title="Add an exchange rate"
        description={`Subscriptions in other currencies are converted to ${org.currency} at the rate in force on their start date, so rate swings never show up as MRR movements. A rate applies from its date until the next one.`}
      >
        <ActionForm
          action={setFxRateAction}
          submitLabel="Save rate"
          hidden={{ orgSlug: org.slug }}
          resetOnSuccess
          className="grid gap-4 sm:grid-cols-[8rem_11rem_1fr_auto] sm:items-end"
        >
          <Field name="currency" label="Currency" list={CURRENCY_LIST} required placeholder="EUR" />
          <Field name="date" label="In force from" type="date" required />
          <Field
            name="rate"
            label={`${org.currency} per 1 unit`}
            required
            inputMode="decimal"
            placeholder="1.0850"
          />
        </ActionForm>
        <CurrencyAndTimeZoneLists />
      </Card>
      <Card title={`Rates (${rates.length})`}>
        {rates.length === 0 ? (
          <p className="text-sm text-slate-600">
            No rates yet: every subscription must be in {org.currency} until you add one.
          </p>
        ) : (
          <Table
            columns={[
              { label: "Currency" },
              { label: "In force from" },
              { label: `${org.currency} per unit` },
            ]}
          >
            {rates.map((r) => (
              <tr key={`${r.currency}-${r.date}`}>
                <td className="py-2 pr-4 font-medium">{r.currency}</td>
                <td className="py-2 pr-4">{r.date}</td>
                <td className="py-2 pr-4 font-mono">{r.rate.replace(/\.?0+$/, "")}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm, Field } from "@/components/ui/action-form";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { getDb } from "@/db/client";
import {
  removeFinanceMonth,
  saveAlertSettings,
  saveFinanceMonth,
  uploadFinanceCsv,
} from "@/lib/actions/executive-metrics";
import { requireOrgPage } from "@/lib/auth/org-context";
import { formatMoney } from "@/lib/money";
import { getMetricsConfig } from "@/lib/snapshots/config";

export const metadata: Metadata = { title: "Executive metrics settings" };

export default async function MetricsSettingsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin", `/${orgSlug}/metrics/settings`);
  const config = await getMetricsConfig(getDb(), org.id);
  const t = config.thresholds;
  const value = (n: number | null) => (n === null ? "" : String(n));
  const money = (n: number | null) => (n === null ? "—" : formatMoney(n, org.currency));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Executive metrics settings"
        description={
          <>
            Alert thresholds, recipients and the finance inputs behind runway and CAC payback. Also through{" "}
            <code>GET/PATCH /api/v1/metrics/config</code>.{" "}
            <Link className="text-indigo-700 hover:underline" href={`/${org.slug}/metrics`}>
              Back to the dashboard
            </Link>
          </>
        }
      />
      <Card
        title="Alerts and activation"
        description="Empty threshold = not checked. Checked after every snapshot; each alert is mailed once."
      >
        <ActionForm action={saveAlertSettings} hidden={{ orgSlug: org.slug }} submitLabel="Save">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              name="churn_spike_percent"
              label="Customer churn spike (%, RATE-1 month to date)"
              inputMode="decimal"
              defaultValue={value(t.churnSpikePercent)}
            />
            <Field
              name="mrr_drop_percent"
              label="MRR drop vs the day before (%)"
              inputMode="decimal"
              defaultValue={value(t.mrrDropPercent)}
            />
            <Field
              name="payment_failures"
              label="Payment failures in a day (count)"
              inputMode="numeric"
              defaultValue={value(t.paymentFailures)}
            />
            <Field
              name="job_failure_rate_percent"
              label="Import job failure rate in a day (%)"
              inputMode="decimal"
              defaultValue={value(t.jobFailureRatePercent)}
            />
            <Field
              name="recipients"
              label="Recipients"
              hint="Emails, comma-separated; empty = the org's owners and admins."
              defaultValue={config.recipients.join(", ")}
            />
            <Field
              name="activation_events"
              label="Activation events (ENG-4)"
              hint="Event names, comma-separated, e.g. file_upload, report_generate."
              defaultValue={config.activationEvents.join(", ")}
            />
          </div>
        </ActionForm>
        <p className="mt-3 text-xs text-slate-500">
          Gross margin ({config.grossMarginPercent}%, used by LTV-1 and CAC-1) is in{" "}
          <Link className="text-indigo-700 hover:underline" href={`/${org.slug}/settings`}>
            Settings → General
          </Link>
          .
        </p>
      </Card>
      <Card
        title="Finance inputs"
        description={`By month, in ${org.currency}. RUN-1 runway = cash / mean net burn of the last 3 months; CAC-1 payback = S&M spend of the month before / (new MRR × gross margin).`}
      >
        {config.finance.length > 0 && (
          <Table
            columns={[
              { label: "Month" },
              { label: "Cash" },
              { label: "Net burn" },
              { label: "S&M spend" },
              { label: "Remove", srOnly: true },
            ]}
          >
            {config.finance.map((f) => (
              <tr key={f.month}>
                <td className="py-2 pr-4 tabular-nums">{f.month}</td>
                <td className="py-2 pr-4 tabular-nums">{money(f.cash)}</td>
                <td className="py-2 pr-4 tabular-nums">{money(f.netBurn)}</td>
                <td className="py-2 pr-4 tabular-nums">{money(f.salesMarketingSpend)}</td>
                <td className="py-2">
                  <ActionForm
                    action={removeFinanceMonth}
                    hidden={{ orgSlug: org.slug, month: f.month }}
                    submitLabel="Remove"
                    submitVariant="secondary"
                  />
                </td>
              </tr>
            ))}
          </Table>
        )}
        <div className="mt-4 grid gap-6 lg:grid-cols-2">
          <ActionForm
            action={saveFinanceMonth}
            hidden={{ orgSlug: org.slug }}
            submitLabel="Save month"
            resetOnSuccess
          >
            <div className="grid grid-cols-2 gap-3">
              <Field name="month" label="Month" placeholder="2025-06" required />
              <Field name="cash" label="Cash balance at month end" inputMode="decimal" />
              <Field name="net_burn" label="Net burn of the month" inputMode="decimal" />
              <Field name="sales_marketing_spend" label="Sales & marketing spend" inputMode="decimal" />
            </div>
          </ActionForm>
          <ActionForm
            action={uploadFinanceCsv}
            hidden={{ orgSlug: org.slug }}
            submitLabel="Upload finance CSV"
            resetOnSuccess
          >
            <Field
              name="file"
              label="Finance CSV"
              type="file"
              accept=".csv,text/csv"
              hint="Columns: month (YYYY-MM), cash, burn, and optionally sales_marketing. A bad cell rejects the whole file, with its line and column."
            />
          </ActionForm>
        </div>
      </Card>
    </div>
  );
}

import type { Metadata } from "next";
import { ActionForm, Field } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { CURRENCY_LIST, CurrencyAndTimeZoneLists, TIMEZONE_LIST } from "@/components/ui/datalists";
import { updateMetricPolicyAction } from "@/lib/actions/update-metric-policy";
import { updateOrgSettingsAction } from "@/lib/actions/update-org-settings";
import { requireOrgPage } from "@/lib/auth/org-context";
import { metricPolicyOf } from "@/lib/orgs/organizations";

export const metadata: Metadata = { title: "Settings" };

export default async function GeneralSettings({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  const policy = metricPolicyOf(org);
  return (
    <>
      <Card title="General" description={`Address: /${org.slug} (fixed once created).`}>
        <ActionForm
          action={updateOrgSettingsAction}
          submitLabel="Save settings"
          hidden={{ orgSlug: org.slug }}
          className="max-w-md space-y-4"
        >
          <Field name="name" label="Name" defaultValue={org.name} required />
          <Field
            name="currency"
            list={CURRENCY_LIST}
            label="Reporting currency"
            defaultValue={org.currency}
            required
            hint="ISO 4217 code; every figure is converted to it."
          />
          <Field
            name="timezone"
            list={TIMEZONE_LIST}
            label="Time zone"
            defaultValue={org.timezone}
            required
            hint="IANA name, e.g. Europe/London; days and snapshots follow it."
          />
        </ActionForm>
        <CurrencyAndTimeZoneLists />
      </Card>
      <Card title="Metric policy" description="Choices the metric definitions leave to each organisation.">
        <ActionForm
          action={updateMetricPolicyAction}
          submitLabel="Save metric policy"
          hidden={{ orgSlug: org.slug }}
          className="max-w-md space-y-4"
        >
          <Field
            name="grossMarginPercent"
            label="Gross margin (%)"
            type="number"
            min={0}
            max={100}
            step="0.1"
            defaultValue={String(policy.grossMarginPercent)}
            hint="Used by LTV-1 and CAC-1; 100 unless you set it."
          />
          <Field
            name="pastDueChurnAfterDays"
            label="Count past-due subscriptions as churned after (days)"
            type="number"
            min={0}
            defaultValue={policy.pastDueChurnAfterDays == null ? "" : String(policy.pastDueChurnAfterDays)}
            hint="Empty: past-due subscriptions keep counting until cancelled (MRR-1). Changing it recomputes revenue history."
          />
        </ActionForm>
      </Card>
    </>
  );
}

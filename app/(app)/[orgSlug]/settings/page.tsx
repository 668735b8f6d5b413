import type { Metadata } from "next";
import { ActionForm, Field } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { CURRENCY_LIST, CurrencyAndTimeZoneLists, TIMEZONE_LIST } from "@/components/ui/datalists";
import { updateOrgSettingsAction } from "@/lib/actions/update-org-settings";
import { requireOrgPage } from "@/lib/auth/org-context";

export const metadata: Metadata = { title: "Settings" };

export default async function GeneralSettings({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  return (
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
  );
}

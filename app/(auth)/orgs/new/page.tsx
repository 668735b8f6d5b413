import type { Metadata } from "next";
import { ActionForm, Field } from "@/components/ui/action-form";
import { CURRENCY_LIST, CurrencyAndTimeZoneLists, TIMEZONE_LIST } from "@/components/ui/datalists";
import { createOrgAction } from "@/lib/actions/create-org";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "New organisation" };

export default async function NewOrgPage() {
  await requireUser("/orgs/new");
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">New organisation</h1>
      <ActionForm action={createOrgAction} submitLabel="Create organisation">
        <Field name="name" label="Name" required placeholder="Acme Inc." />
        <Field
          name="slug"
          label="Address"
          required
          placeholder="acme"
          hint="Lowercase letters, digits and dashes."
        />
        <Field
          name="currency"
          list={CURRENCY_LIST}
          label="Reporting currency"
          defaultValue="USD"
          hint="ISO 4217 code, e.g. USD, EUR, GBP."
        />
        <Field
          name="timezone"
          list={TIMEZONE_LIST}
          label="Time zone"
          defaultValue="UTC"
          hint="IANA name, e.g. Europe/London."
        />
      </ActionForm>
      <CurrencyAndTimeZoneLists />
    </>
  );
}

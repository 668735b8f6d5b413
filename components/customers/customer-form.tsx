import { ActionForm, Field } from "@/components/ui/action-form";
import { createCustomerAction } from "@/lib/actions/create-customer";

/** The "Add customer" form; on success the action opens the new customer's page. */
export function AddCustomerForm({ orgSlug }: { orgSlug: string }) {
  return (
    <ActionForm
      action={createCustomerAction}
      submitLabel="Add customer"
      pendingLabel="Adding…"
      hidden={{ orgSlug }}
      // The last child is ActionForm's button: level it with the inputs, below their labels.
      className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 sm:[&>div:last-child]:mt-6"
    >
      <Field name="name" label="Name" required placeholder="Acme Inc." autoComplete="off" />
      <Field
        name="externalId"
        label="Customer id (optional)"
        hint="The id in your billing system; left empty, Meridian makes one."
        autoComplete="off"
      />
      <Field name="email" label="Email (optional)" type="email" autoComplete="off" />
      <Field name="company" label="Company (optional)" autoComplete="off" />
      <Field name="country" label="Country (optional)" placeholder="DE" hint="ISO code, e.g. DE or US." />
      <Field name="industry" label="Industry (optional)" autoComplete="off" />
      <Field name="segment" label="Segment (optional)" placeholder="SMB" autoComplete="off" />
    </ActionForm>
  );
}

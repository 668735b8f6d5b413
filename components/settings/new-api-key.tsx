"use client";
import { ActionForm, Field } from "@/components/ui/action-form";
import { createApiKeyAction } from "@/lib/actions/create-api-key";

/** Create form; the new key is shown once, in a read-only box to copy. */
export function NewApiKeyForm({ orgSlug }: { orgSlug: string }) {
  return (
    <ActionForm
      action={createApiKeyAction}
      submitLabel="Create key"
      hidden={{ orgSlug }}
      resetOnSuccess
      className="max-w-xl space-y-4"
      renderResult={(data) => (
        <div className="mt-2">
          <label htmlFor="new-api-key" className="block text-sm font-medium">
            New key “{data.name}”
          </label>
          <input
            id="new-api-key"
            readOnly
            value={data.key}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 block w-full rounded-md bg-slate-900 px-3 py-2 font-mono text-sm text-emerald-300"
          />
        </div>
      )}
    >
      <Field name="name" label="Key name" required placeholder="e.g. Production events" />
    </ActionForm>
  );
}

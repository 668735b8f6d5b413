import { ActionForm, Field, SelectField } from "@/components/ui/action-form";
import type { CustomerItem } from "@/db/queries/customers";
import { INTERVAL_UNITS } from "@/db/schema";
import { endSubscriptionItemAction } from "@/lib/actions/end-subscription-item";
import { saveSubscriptionItemAction } from "@/lib/actions/save-subscription-item";
import { minorToDecimal } from "@/lib/money";

const CURRENCIES = "customer-item-currencies";

/** Suggestions for the currency inputs; rendered once per page that has item forms. */
export function CurrencyList() {
  return (
    <datalist id={CURRENCIES}>
      {Intl.supportedValuesOf("currency").map((c) => (
        <option key={c} value={c} />
      ))}
    </datalist>
  );
}

/**
 * Adds a manual subscription item, or edits `item` (prefilled; saved by its external id). The price is
 * typed in major units and turned into minor units exactly by the action.
 */
export function ItemForm({
  orgSlug,
  customerId,
  currency,
  item,
}: {
  orgSlug: string;
  customerId: string;
  /** The org's reporting currency: the default for a new item. */
  currency: string;
  item?: CustomerItem;
}) {
  return (
    <ActionForm
      action={saveSubscriptionItemAction}
      submitLabel={item ? "Save item" : "Add item"}
      pendingLabel="Saving…"
      hidden={{ orgSlug, customerId, ...(item ? { externalId: item.externalId } : {}) }}
      resetOnSuccess={!item}
      // The last child is ActionForm's button: level it with the inputs, below their labels.
      className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4 sm:[&>div:last-child]:mt-6"
    >
      <Field
        name="planName"
        label="Plan (optional)"
        placeholder="Pro"
        defaultValue={item?.planName ?? ""}
        autoComplete="off"
      />
      <Field
        name="quantity"
        label="Quantity"
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        defaultValue={item?.quantity ?? 1}
      />
      <Field
        name="unitAmount"
        label="Unit price per period"
        inputMode="decimal"
        placeholder="19.99"
        hint="In major units, e.g. 19.99."
        defaultValue={item ? minorToDecimal(item.unitAmount, item.currency) : ""}
        autoComplete="off"
      />
      <Field
        name="currency"
        label="Currency"
        list={CURRENCIES}
        maxLength={3}
        defaultValue={item?.currency ?? currency}
        autoComplete="off"
      />
      <SelectField
        name="intervalUnit"
        label="Billed every"
        options={INTERVAL_UNITS}
        defaultValue={item?.intervalUnit ?? "month"}
      />
      <Field
        name="intervalCount"
        label="Units per period"
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        hint="3 with month: quarterly."
        defaultValue={item?.intervalCount ?? 1}
      />
      <Field
        name="discountPercent"
        label="Recurring discount % (optional)"
        type="number"
        min={0}
        max={100}
        step="any"
        inputMode="decimal"
        defaultValue={item?.discountPercent == null ? "" : Number(item.discountPercent)}
      />
      <Field name="startDate" label="Start date" type="date" defaultValue={item?.startDate ?? ""} />
      <Field
        name="endDate"
        label="End date (optional)"
        type="date"
        hint="The first day without service."
        defaultValue={item?.endDate ?? ""}
      />
    </ActionForm>
  );
}

/** Ends an item on a date: the first day without service (MRR-2). */
export function EndItemForm({
  orgSlug,
  itemId,
  defaultDate,
}: {
  orgSlug: string;
  itemId: string;
  defaultDate: string;
}) {
  return (
    <ActionForm
      action={endSubscriptionItemAction}
      submitLabel="End item"
      pendingLabel="Ending…"
      submitVariant="danger"
      hidden={{ orgSlug, itemId }}
      className="flex flex-wrap items-end gap-3"
    >
      <Field
        name="endDate"
        label="End date (the first day without service)"
        type="date"
        defaultValue={defaultDate}
      />
    </ActionForm>
  );
}

import { hash } from "node:crypto";
import type { IntervalUnit, ItemStatus } from "@/db/schema";
import { ITEM_KEY_FIELDS } from "@/lib/ingest/fields";
import type { TCanonicalRow } from "@/lib/ingest/normalise";
import type { TInterval } from "@/lib/ingest/values";
import { currencyExponent, decimalToFraction, roundHalfAwayFromZero } from "@/lib/metrics/mrr";
import { fastItemMrr as itemMrr, minorUnits as toMinorUnits } from "./fast-money";

/*
 * One normalised CSV row → what the import writes: a customer and, for subscriptions, an item with its
 * deterministic key and its MRR-1 in the reporting currency. Pure: the exchange rates come in as data.
 *
 * Id rules (the README's "Importing CSV files" repeats them):
 * - Customer: the customer id column as written (trimmed). Without one, `email:<email in lower case>`,
 *   else `name:<name in lower case, accents kept, runs of spaces as one>`. So rows naming the same person
 *   the same way meet on one customer, in any file.
 * - Item: the subscription item id as written (a file with a row per item: Stripe's `si_…`, Zuora's charge
 *   numbers), else the subscription id as written. Without either, `row:` + the first 32 hex digits of the
 *   sha256 of customer key, plan (lower case), start date and amount (decimal, currency, interval; or the
 *   ready MRR), so the same row in any order or any file is the same item.
 */

export type Rejection = {
  line: number;
  column: string | null;
  field: string | null;
  value: string | null;
  message: string;
  /** The row's values as the file has them, on its first rejection (upload_rejections.record). */
  record?: readonly string[];
};

export type StagedCustomer = {
  key: string;
  /** Given values only; null leaves a stored value as it is. */
  name: string | null;
  fallbackName: string;
  email: string | null;
  company: string | null;
  country: string | null;
  industry: string | null;
  segment: string | null;
};

export type StagedItem = {
  line: number;
  key: string;
  customerKey: string;
  plan: string | null;
  quantity: number;
  unitAmount: number;
  currency: string;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  discountPercent: string | null;
  discountAmount: number | null;
  startDate: string;
  endDate: string | null;
  status: ItemStatus;
  mrr: number;
  fxRate: string;
  /**
   * COPY engines: the item's staging columns but its customer's id, as CSV, prepared while the batch
   * before is written (prepareBatch, import-write.ts); the id is known only inside the transaction.
   */
  copyLine: string | null;
};

export type StagedRow = { line: number; customer: StagedCustomer; item: StagedItem | null };

/** Rates per currency, oldest first: reporting-currency units per unit of that currency (fx_rates). */
export type RateTable = ReadonlyMap<string, readonly { date: string; rate: string }[]>;

export type StageContext = {
  reportingCurrency: string;
  rates: RateTable;
  today: string;
  /** The file's amounts (amount, discount amount, MRR) are in minor units, cents: 5000 is 50.00. */
  minorUnits?: boolean;
};

/** An amount written in minor units ("5000", "5000.00") as an integer; null when it has a fraction. */
function wholeMinorUnits(decimal: string): { ok: true; value: number } | { ok: false; reason: string } {
  const match = /^(-?\d+)(?:\.0+)?$/.exec(decimal);
  const value = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    return {
      ok: false,
      reason: `'${decimal}' is not a whole number of cents (the amounts are read as cents)`,
    };
  }
  return { ok: true, value };
}

/** An amount of the file in minor units of `currency`, read as cents when the file writes cents. */
function amountMinor(decimal: string, currency: string, ctx: StageContext) {
  return ctx.minorUnits ? wholeMinorUnits(decimal) : toMinorUnits(decimal, currency);
}

type AnyRow = Record<string, unknown>;
type SubscriptionRow = TCanonicalRow<"subscriptions">;

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

export function normaliseName(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** The customer's key per the id rules above; null when the row names no customer. */
export function customerKeyOf(row: AnyRow): string | null {
  const id = str(row.customer_id);
  if (id) return id;
  const email = str(row.customer_email);
  if (email) return `email:${email.toLowerCase()}`;
  const name = str(row.customer_name);
  return name ? `name:${normaliseName(name)}` : null;
}

export function itemKeyOf(row: AnyRow, customerKey: string): string {
  const id = listedItemKey(row);
  if (id) return id;
  const interval = row.interval as TInterval | null;
  const amount =
    row.amount != null && interval
      ? `${row.amount} ${row.currency ?? ""} ${interval.count} ${interval.unit}`
      : `mrr ${row.mrr ?? ""} ${row.currency ?? ""}`;
  const plan = str(row.plan)?.toLowerCase() ?? "";
  const digest = hash("sha256", JSON.stringify([customerKey, plan, row.start_date, amount]), "hex");
  return `row:${digest.slice(0, 32)}`;
}

/**
 * The item a subscriptions row names by its item id or subscription id (`row`: the values that parsed),
 * else null. A rejected row still lists its subscription, which a full export must not end for it
 * (endMissingItems); a row keyed by a hash of its values names no item once one of them is wrong.
 */
export function listedItemKey(row: AnyRow): string | null {
  for (const field of ITEM_KEY_FIELDS) {
    const id = str(row[field]);
    if (id) return id;
  }
  return null;
}

const LIMITS: [field: string, max: number][] = [
  ["customer_name", 200],
  ["company", 200],
  ["country", 80],
  ["industry", 120],
  ["segment", 120],
];

/** The rate in force on `date`: the latest on or before it. */
export function rateOn(rates: RateTable, currency: string, date: string): string | null {
  const list = rates.get(currency);
  if (!list) return null;
  let found: string | null = null;
  for (const r of list) {
    if (r.date > date) break;
    found = r.rate;
  }
  return found;
}

type HeaderOf = (field: string) => string | null;

/** A normalised row → the customer and item to write, or the reasons it cannot be imported. */
export function stageRow(
  kind: "subscriptions" | "customers",
  row: AnyRow,
  line: number,
  headerOf: HeaderOf,
  ctx: StageContext,
): { ok: true; row: StagedRow } | { ok: false; rejections: Rejection[] } {
  const reject = (field: string | null, message: string, value: unknown = null) => ({
    ok: false as const,
    rejections: [
      {
        line,
        column: field ? headerOf(field) : null,
        field,
        value: value == null ? null : String(value),
        message,
      },
    ],
  });
  for (const [field, max] of LIMITS) {
    const v = str(row[field]);
    if (v && v.length > max) return reject(field, `is longer than ${max} characters`, v);
  }
  const key = customerKeyOf(row);
  if (!key) return reject("customer_id", "names no customer: it needs a customer id, name or email");
  const name = str(row.customer_name);
  const email = str(row.customer_email);
  const customer: StagedCustomer = {
    key,
    name,
    fallbackName: name ?? str(row.company) ?? email ?? key,
    email,
    company: str(row.company),
    country: str(row.country),
    industry: str(row.industry),
    segment: str(row.segment),
  };
  if (kind === "customers") return { ok: true, row: { line, customer, item: null } };
  const item = stageItem(row as SubscriptionRow, key, line, ctx);
  if ("message" in item) return reject(item.field, item.message, item.value);
  return { ok: true, row: { line, customer, item } };
}

type ItemError = { field: string | null; message: string; value?: unknown };

function stageItem(
  row: SubscriptionRow,
  customerKey: string,
  line: number,
  ctx: StageContext,
): StagedItem | ItemError {
  const start = row.start_date;
  if (!start) return { field: "start_date", message: "has no start date" };
  const end = row.end_date ?? null;
  const currency = row.currency;
  if (!currency) {
    return {
      field: "currency",
      message: "has no currency: map a currency column or choose a default currency",
    };
  }
  let exponent: number;
  try {
    exponent = currencyExponent(currency);
  } catch {
    return { field: "currency", message: `'${currency}' is not a currency code`, value: currency };
  }
  // A status column wins. Without one, a flagged trial is trialing for its whole span, ended or not (a
  // trial that ended never paid: as canceled it would count as MRR until its end); else an ended item is
  // canceled.
  const ended = end !== null && end <= ctx.today;
  const status: ItemStatus = row.status ?? (row.trial ? "trialing" : ended ? "canceled" : "active");
  if (status === "canceled" && end === null) {
    return {
      field: "status",
      message:
        "is canceled but the row has no end date: map the column with the cancellation date, or the subscription would count as active forever",
      value: row.status,
    };
  }
  const rate = currency === ctx.reportingCurrency ? "1" : rateOn(ctx.rates, currency, start);
  if (rate === null) {
    return {
      field: "currency",
      message: `has no exchange rate from ${currency} to ${ctx.reportingCurrency} on or before ${start}: add a ${currency} rate dated on or before ${start} under Settings → Exchange rates so this row can be imported`,
      value: currency,
    };
  }
  const exponentShift = currencyExponent(ctx.reportingCurrency) - exponent;
  const discountPercent = row.discount_percent ?? null;
  if (discountPercent && (discountPercent.split(".")[1]?.length ?? 0) > 4) {
    return { field: "discount_percent", message: "has more than 4 decimal places", value: discountPercent };
  }
  // The item and its price are written out as literals: spreading objects into a new one costs ~9 µs a
  // row in V8 (a million-row import runs this a million times).
  type Price = Pick<
    StagedItem,
    "unitAmount" | "quantity" | "intervalUnit" | "intervalCount" | "discountPercent" | "discountAmount"
  >;
  const item = (price: Price): StagedItem => ({
    line,
    key: itemKeyOf(row, customerKey),
    customerKey,
    plan: str(row.plan),
    quantity: price.quantity,
    unitAmount: price.unitAmount,
    currency,
    intervalUnit: price.intervalUnit,
    intervalCount: price.intervalCount,
    discountPercent: price.discountPercent,
    discountAmount: price.discountAmount,
    startDate: start,
    endDate: end,
    status,
    mrr: itemMrr({
      unitAmount: price.unitAmount,
      quantity: price.quantity,
      intervalUnit: price.intervalUnit,
      intervalCount: price.intervalCount,
      discountPercent: price.discountPercent,
      discountAmount: price.discountAmount,
      fxRate: rate,
      exponentShift,
    }),
    fxRate: rate,
    copyLine: null,
  });
  if (row.amount != null && row.interval) {
    const unit = amountMinor(row.amount, currency, ctx);
    if (!unit.ok) return { field: "amount", message: unit.reason, value: row.amount };
    let discountAmount: number | null = null;
    if (row.discount_amount != null) {
      const d = amountMinor(row.discount_amount, currency, ctx);
      if (!d.ok) return { field: "discount_amount", message: d.reason, value: row.discount_amount };
      discountAmount = d.value;
    }
    return item({
      unitAmount: unit.value,
      quantity: row.quantity ?? 1,
      intervalUnit: row.interval.unit,
      intervalCount: row.interval.count,
      discountPercent,
      discountAmount,
    });
  }
  if (row.mrr != null) {
    // A ready MRR is taken as it is (net of discounts), rounded half away from zero to the minor unit.
    const [num, den] = decimalToFraction(row.mrr);
    const minor = Number(roundHalfAwayFromZero(num * (ctx.minorUnits ? 1n : 10n ** BigInt(exponent)), den));
    return item({
      unitAmount: minor,
      quantity: 1,
      intervalUnit: "month",
      intervalCount: 1,
      discountPercent: null,
      discountAmount: null,
    });
  }
  return { field: "amount", message: "has no amount and billing interval, nor an MRR" };
}

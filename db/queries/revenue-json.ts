import { z } from "zod";
import { MOVEMENT_KINDS } from "@/db/schema";
import { currencyExponent } from "@/lib/metrics/mrr";
import type { CohortFormat, CohortKind } from "./revenue-cohorts";
import type { MovementCustomer, TopCustomer } from "./revenue-drilldown";
import { addMonths, type RevenueFilters, ZMonth } from "./revenue-filters";
import type { MovementMonth } from "./revenue-series";
import type { Summary, SummaryValues } from "./revenue-summary";

/*
 * The public JSON shapes of the revenue reads, shared by /api/v1 and the CLI's --json so both print the
 * same thing: snake_case keys, money as a number in major units rounded to the currency's minor unit,
 * rates as fractions, null for an undefined rate.
 */

/** Integer minor units (cents) as major units: 12345 USD → 123.45, 500 JPY → 500. */
export function toMajor(minor: number, currency: string): number {
  return Math.round(minor) / 10 ** currencyExponent(currency);
}

const money = (minor: number | null, currency: string) => (minor === null ? null : toMajor(minor, currency));

function summaryValuesJson(v: SummaryValues) {
  return {
    month: v.month,
    currency: v.currency,
    mrr: toMajor(v.mrr, v.currency),
    arr: toMajor(v.arr, v.currency),
    nrr12: v.nrr12,
    grr12: v.grr12,
    arpa: money(v.arpa, v.currency),
    active_customers: v.activeCustomers,
    customer_churn_rate: v.customerChurnRate,
    gross_mrr_churn_rate: v.grossMrrChurnRate,
    net_mrr_churn_rate: v.netMrrChurnRate,
    quick_ratio: v.quickRatio,
    ltv: money(v.ltv, v.currency),
    mrr_growth_rate: v.mrrGrowthRate,
  };
}

export type SummaryJson = ReturnType<typeof summaryValuesJson> & {
  previous: ReturnType<typeof summaryValuesJson>;
};

export function summaryJson({ previous, ...current }: Summary): SummaryJson {
  return { ...summaryValuesJson(current), previous: summaryValuesJson(previous) };
}

export function movementsJson(rows: MovementMonth[], currency: string) {
  return rows.map((r) => ({
    month: r.month,
    currency,
    start_mrr: toMajor(r.startMrr, currency),
    new: toMajor(r.new, currency),
    expansion: toMajor(r.expansion, currency),
    reactivation: toMajor(r.reactivation, currency),
    contraction: toMajor(r.contraction, currency),
    churn: toMajor(r.churn, currency),
    end_mrr: toMajor(r.endMrr, currency),
    active_customers: r.activeCustomers,
    new_customers: r.newCustomers,
    reactivated_customers: r.reactivatedCustomers,
    churned_customers: r.churnedCustomers,
  }));
}

/** Revenue counts become major units; logo counts and percentages (fractions) stay as they are. */
export function cohortsJson(
  matrix: Record<string, (number | null)[]>,
  { kind, format, currency }: { kind: CohortKind; format: CohortFormat; currency: string },
): Record<string, (number | null)[]> {
  if (kind === "logo" || format === "percent") return matrix;
  return Object.fromEntries(
    Object.entries(matrix).map(([c, row]) => [c, row.map((x) => money(x, currency))]),
  );
}

export function movementCustomersJson(
  customers: MovementCustomer[],
  { month, kind, currency }: { month: string; kind: string; currency: string },
) {
  return {
    month,
    kind,
    currency,
    customers: customers.map((c) => ({
      customer_id: c.customerId,
      external_id: c.externalId,
      name: c.name,
      mrr_before: toMajor(c.mrrBefore, currency),
      mrr_after: toMajor(c.mrrAfter, currency),
      items: c.items.map((i) => ({
        item_id: i.itemId,
        external_id: i.externalId,
        source: i.source,
        plan: i.planExternalId,
        plan_name: i.planName,
        status: i.status,
        start_date: i.startDate,
        end_date: i.endDate,
        mrr_before: toMajor(i.mrrBefore, currency),
        mrr_after: toMajor(i.mrrAfter, currency),
        change: i.change,
      })),
    })),
  };
}

export function topCustomersJson(customers: TopCustomer[], currency: string) {
  return customers.map((c) => ({
    customer_id: c.customerId,
    external_id: c.externalId,
    name: c.name,
    mrr: toMajor(c.mrr, currency),
    plans: c.plans,
    customer_since: c.customerSince,
  }));
}

const FILTER_PARAMS = {
  plan: "plans",
  country: "countries",
  segment: "segments",
  industry: "industries",
} as const;

/**
 * Filters from `?plan=pro,team&country=US&country=DE&segment=…&industry=…`: each repeatable and
 * comma-separated; plans by external id. The same names serve the CLI's --plan/--country/… options.
 */
export function parseFilters(get: (name: keyof typeof FILTER_PARAMS) => readonly string[]): RevenueFilters {
  const filters: RevenueFilters = {};
  for (const [param, key] of Object.entries(FILTER_PARAMS) as [
    keyof typeof FILTER_PARAMS,
    keyof RevenueFilters,
  ][]) {
    const values = get(param)
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length) filters[key] = values;
  }
  return filters;
}

export const filtersFromSearchParams = (params: URLSearchParams) =>
  parseFilters((name) => params.getAll(name));

export const ZMovementKind = z.enum(MOVEMENT_KINDS);
export const ZCohortKind = z.enum(["logo", "revenue"]);
export const ZCohortFormat = z.enum(["counts", "percent"]);

/** A month range whose ends default to the last 12 months up to `fallbackTo`. */
export const ZMonthRange = z.object({ from: ZMonth.optional(), to: ZMonth.optional() });

export function rangeOrDefault(range: { from?: string; to?: string }, fallbackTo: string) {
  const to = range.to ?? fallbackTo;
  return { from: range.from ?? addMonths(to, -11), to };
}

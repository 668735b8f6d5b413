import type { MetricsSnapshot } from "@/db/schema";
import definitionsFile from "@/lib/metrics/definitions.json";

/*
 * Every snapshot metric by its public name (the `metric` of /api/v1/metrics/timeseries, the CSV export's
 * columns, the dashboard's chart picker): which column holds it, how to show it, and the METRICS.md ids
 * that define it.
 */

export type MetricKind = "money" | "rate" | "count" | "ratio" | "months" | "duration";

export type SnapshotColumn = Exclude<keyof MetricsSnapshot, "orgId" | "date" | "currency" | "computedAt">;

export type MetricDef = {
  name: string;
  column: SnapshotColumn;
  label: string;
  kind: MetricKind;
  ids: string[];
};

const def = (
  name: string,
  column: SnapshotColumn,
  label: string,
  kind: MetricKind,
  ids: string[] = [],
): MetricDef => ({
  name,
  column,
  label,
  kind,
  ids,
});

export const SNAPSHOT_METRICS: readonly MetricDef[] = [
  def("mrr", "mrr", "MRR", "money", ["MRR-2"]),
  def("arr", "arr", "ARR", "money", ["ARR-1"]),
  def("arpa", "arpa", "ARPA", "money", ["ARPA-1"]),
  def("ltv", "ltv", "LTV", "money", ["LTV-1"]),
  def("nrr12", "nrr12", "NRR (12 months)", "rate", ["RATE-6"]),
  def("grr12", "grr12", "GRR (12 months)", "rate", ["RATE-7"]),
  def("customer_churn_rate", "customerChurnRate", "Customer churn rate", "rate", ["RATE-1"]),
  def("gross_mrr_churn_rate", "grossMrrChurnRate", "Gross MRR churn rate", "rate", ["RATE-2"]),
  def("net_mrr_churn_rate", "netMrrChurnRate", "Net MRR churn rate", "rate", ["RATE-3"]),
  def("quick_ratio", "quickRatio", "Quick ratio", "ratio", ["QR-1"]),
  def("mrr_growth_rate", "mrrGrowthRate", "MRR growth rate", "rate", ["GROW-1"]),
  def("customers_total", "customersTotal", "Customers", "count", ["CUS-1"]),
  def("customers_new", "customersNew", "New customers (month to date)", "count", ["MOV-1"]),
  def("customers_churned", "customersChurned", "Churned customers (month to date)", "count", ["MOV-1"]),
  def("customers_reactivated", "customersReactivated", "Reactivated customers (month to date)", "count", [
    "MOV-1",
  ]),
  def("dau", "dau", "DAU", "count", ["ENG-2"]),
  def("wau", "wau", "WAU", "count", ["ENG-2"]),
  def("mau", "mau", "MAU", "count", ["ENG-2"]),
  def("stickiness", "stickiness", "Stickiness (DAU/MAU)", "rate", ["ENG-2"]),
  def("activation_started", "activationStarted", "Users started (30 days)", "count", ["ENG-4"]),
  def("activation_activated", "activationActivated", "Users activated (30 days)", "count", ["ENG-4"]),
  def("activation_rate", "activationRate", "Activation rate", "rate", ["ENG-4"]),
  def("jobs_total", "jobsTotal", "Import jobs", "count"),
  def("jobs_succeeded", "jobsSucceeded", "Import jobs succeeded", "count"),
  def("jobs_failed", "jobsFailed", "Import jobs failed", "count"),
  def("jobs_avg_duration_ms", "jobsAvgDurationMs", "Import job average duration", "duration"),
  def("cash", "cash", "Cash balance", "money", ["RUN-1"]),
  def("burn", "burn", "Net burn (3-month mean)", "money", ["RUN-1"]),
  def("runway_months", "runwayMonths", "Runway", "months", ["RUN-1"]),
  def("cac_payback_months", "cacPaybackMonths", "CAC payback", "months", ["CAC-1"]),
  def("subscriptions_active", "subscriptionsActive", "Stripe subscriptions active", "count"),
  def("subscriptions_past_due", "subscriptionsPastDue", "Stripe subscriptions past due", "count"),
  def("subscriptions_cancelled", "subscriptionsCancelled", "Stripe subscriptions cancelled", "count"),
  def("payment_failures", "paymentFailures", "Payment failures", "count"),
];

export const METRIC_NAMES = SNAPSHOT_METRICS.map((m) => m.name) as [string, ...string[]];

export function metricByName(name: string): MetricDef | undefined {
  return SNAPSHOT_METRICS.find((m) => m.name === name);
}

/** METRICS.md definitions by id (lib/metrics/definitions.json, extracted by scripts/extract-metric-definitions.ts). */
export const DEFINITIONS: Readonly<Record<string, string>> = definitionsFile.definitions;

/** The ids the executive dashboard cites, each with its definition, in registry order. */
export function dashboardDefinitions(): { id: string; text: string }[] {
  const ids = [...new Set(SNAPSHOT_METRICS.flatMap((m) => m.ids).concat(["ENG-1", "ENG-3"]))];
  return ids.filter((id) => DEFINITIONS[id]).map((id) => ({ id, text: DEFINITIONS[id] as string }));
}

import type { movementsJson, SummaryJson } from "@/db/queries/revenue-json";

/* Readable tables for `meridian metrics | movements | cohorts` (the --json output is the API's JSON). */

const DASH = "—"; // METRICS.md: an undefined rate is shown as "—"

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned (numbers). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function money(value: number | null, currency: string): string {
  if (value === null) return DASH;
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(value);
}

export const percent = (value: number | null) => (value === null ? DASH : `${(value * 100).toFixed(1)}%`);
/** Contraction and churn leave the bridge: shown negative, but a zero stays "0.00", not "-0.00". */
const negative = (value: number) => (value === 0 ? 0 : -value);
const ratio = (value: number | null) => (value === null ? DASH : value.toFixed(2));

export function summaryText(s: SummaryJson): string {
  const rows: [string, (v: SummaryJson["previous"]) => string][] = [
    ["MRR", (v) => money(v.mrr, v.currency)],
    ["ARR", (v) => money(v.arr, v.currency)],
    ["Active customers", (v) => String(v.active_customers)],
    ["ARPA", (v) => money(v.arpa, v.currency)],
    ["NRR (12 months)", (v) => percent(v.nrr12)],
    ["GRR (12 months)", (v) => percent(v.grr12)],
    ["Customer churn rate", (v) => percent(v.customer_churn_rate)],
    ["Gross MRR churn rate", (v) => percent(v.gross_mrr_churn_rate)],
    ["Net MRR churn rate", (v) => percent(v.net_mrr_churn_rate)],
    ["Quick ratio", (v) => ratio(v.quick_ratio)],
    ["LTV", (v) => money(v.ltv, v.currency)],
    ["MRR growth rate", (v) => percent(v.mrr_growth_rate)],
  ];
  return table(
    [`Metric (${s.currency})`, s.month, s.previous.month],
    rows.map(([label, cell]) => [label, cell(s), cell(s.previous)]),
  );
}

export function movementsText(rows: ReturnType<typeof movementsJson>): string {
  if (!rows.length) return "No months in that range have revenue data yet.";
  return table(
    [
      "Month",
      "Start MRR",
      "New",
      "Expansion",
      "Reactivation",
      "Contraction",
      "Churn",
      "End MRR",
      "Active",
      "+New",
      "+React",
      "−Churned",
    ],
    rows.map((r) => [
      r.month,
      money(r.start_mrr, r.currency),
      money(r.new, r.currency),
      money(r.expansion, r.currency),
      money(r.reactivation, r.currency),
      money(negative(r.contraction), r.currency),
      money(negative(r.churn), r.currency),
      money(r.end_mrr, r.currency),
      String(r.active_customers),
      String(r.new_customers),
      String(r.reactivated_customers),
      String(r.churned_customers),
    ]),
  );
}

export function cohortsText(
  matrix: Record<string, (number | null)[]>,
  { kind, format }: { kind: string; format: string },
): string {
  const cohorts = Object.entries(matrix);
  if (!cohorts.length) return "No cohorts in that range have revenue data yet.";
  const width = Math.max(...cohorts.map(([, row]) => row.length));
  const cell = (x: number | null) =>
    format === "percent" ? percent(x) : x === null ? DASH : kind === "revenue" ? x.toFixed(2) : String(x);
  const what =
    kind === "revenue"
      ? format === "percent"
        ? "The cohort's MRR as a share of its starting MRR"
        : "The cohort's MRR"
      : format === "percent"
        ? "Share of the cohort's customers still paying"
        : "Customers of the cohort still paying";
  const title = `${what} at the end of month k (k=0: the cohort month)`;
  const header = ["Cohort", ...Array.from({ length: width }, (_, k) => `k=${k}`)];
  return `${title}\n${table(
    header,
    cohorts.map(([c, row]) => [c, ...row.map(cell)]),
  )}`;
}

import Link from "next/link";
import { getDb } from "@/db/client";
import { getSummary, type SummaryValues } from "@/db/queries/revenue";
import { formatChange, formatKpi, formatMonthLabel, type KpiKind } from "@/lib/arr/format";
import { type ArrContext, customersHref, drillHref, exportHref } from "./context";
import { ExportLink, Section } from "./section";

type Kpi = {
  key: string;
  label: string;
  kind: KpiKind;
  value: (v: SummaryValues) => number | null;
  /** METRICS.md id and formula, for the help popover. */
  id: string;
  formula: string;
  /** Where the rows behind the number are. */
  rows: (c: ArrContext, month: string) => { href: string; label: string };
};

const customers = (c: ArrContext) => ({ href: customersHref(c), label: "Customers" });
const bridge = (_: ArrContext, month: string) => ({ href: `#bridge-${month}`, label: "Bridge row" });

const KPIS: Kpi[] = [
  {
    key: "mrr",
    label: "MRR",
    kind: "money",
    value: (v) => v.mrr,
    id: "MRR-3",
    formula: "Σ customer MRR on the last day of the month (items with start ≤ day < end).",
    rows: customers,
  },
  {
    key: "arr",
    label: "ARR",
    kind: "money",
    value: (v) => v.arr,
    id: "ARR-1",
    formula: "ARR = 12 × MRR.",
    rows: customers,
  },
  {
    key: "nrr12",
    label: "NRR (12 months)",
    kind: "rate",
    value: (v) => v.nrr12,
    id: "RATE-6",
    formula: "S = customers with MRR > 0 at the end of m−12; Σ_S MRR(m) / Σ_S MRR(m−12).",
    rows: bridge,
  },
  {
    key: "grr12",
    label: "GRR (12 months)",
    kind: "rate",
    value: (v) => v.grr12,
    id: "RATE-7",
    formula: "Σ_S min(MRR(m), MRR(m−12)) / Σ_S MRR(m−12); never above 100%.",
    rows: bridge,
  },
  {
    key: "arpa",
    label: "ARPA",
    kind: "money",
    value: (v) => v.arpa,
    id: "ARPA-1",
    formula: "MRR(m) / Active(m); a customer with several subscriptions counts once.",
    rows: customers,
  },
  {
    key: "active",
    label: "Active customers",
    kind: "count",
    value: (v) => v.activeCustomers,
    id: "CUS-1",
    formula: "Customers with MRR > 0 at the end of the month.",
    rows: customers,
  },
  {
    key: "churn-rate",
    label: "Customer churn rate",
    kind: "rate",
    value: (v) => v.customerChurnRate,
    id: "RATE-1",
    formula: "Churned customers(m) / Active(m−1).",
    rows: (c, month) => ({ href: drillHref(c, month, "churn"), label: "Churned customers" }),
  },
  {
    key: "quick-ratio",
    label: "Quick ratio",
    kind: "ratio",
    value: (v) => v.quickRatio,
    id: "QR-1",
    formula:
      "(new + expansion + reactivation) / (churn + contraction). Includes reactivation (Baremetrics does not).",
    rows: bridge,
  },
  {
    key: "ltv",
    label: "LTV",
    kind: "money",
    value: (v) => v.ltv,
    id: "LTV-1",
    formula: "ARPA × gross margin / mean customer churn rate (RATE-1) of the 6 months before.",
    rows: (c, month) => ({ href: drillHref(c, month, "churn"), label: "Churned customers" }),
  },
];

/** The headline metrics of the view's last month, each against the month before. */
export async function KpiCards({ ctx }: { ctx: ArrContext }) {
  const { org, view } = ctx;
  const s = await getSummary(getDb(), { orgId: org.id, month: view.to, filters: view.filters });
  return (
    <Section
      id="kpis"
      title={`Key metrics, ${formatMonthLabel(s.month)}`}
      description={`Against ${formatMonthLabel(s.previous.month)}. Money in ${org.currency}; definitions under Executive metrics.`}
      actions={<ExportLink href={exportHref(ctx, "kpis")} label="CSV" />}
    >
      <ul className="grid grid-cols-2 gap-2 sm:gap-3 lg:grid-cols-3 xl:grid-cols-5">
        {KPIS.map((k) => {
          const value = k.value(s);
          const previous = k.value(s.previous);
          const rows = k.rows(ctx, s.month);
          const shown = formatKpi(value, k.kind, org.currency);
          return (
            <li
              key={k.key}
              data-testid={`kpi-${k.key}`}
              className="min-w-0 rounded-md p-3 ring-1 ring-slate-200"
            >
              <p className="text-sm font-medium text-slate-600">{k.label}</p>
              <p
                // Long amounts ($121,915,296.00) step down in size to fit the card; wrapping, never spilling, is the last resort.
                className={`mt-1 font-semibold tabular-nums text-slate-900 [overflow-wrap:anywhere] ${
                  shown.length <= 10
                    ? "text-xl sm:text-2xl"
                    : shown.length <= 13
                      ? "text-lg sm:text-xl"
                      : "text-base"
                }`}
                data-testid="value"
              >
                {shown}
              </p>
              <p className="mt-1 text-xs text-slate-600">
                <span className="tabular-nums" data-testid="change">
                  {formatChange(value, previous, k.kind, org.currency)}
                </span>{" "}
                vs{" "}
                <span className="tabular-nums" data-testid="previous">
                  {formatKpi(previous, k.kind, org.currency)}
                </span>
              </p>
              <div className="mt-2 flex flex-wrap items-start gap-x-3 gap-y-1 text-xs">
                <Link href={rows.href} className="text-indigo-700 underline">
                  {rows.label}
                  <span className="sr-only"> behind {k.label}</span>
                </Link>
                <details className="group min-w-0">
                  <summary className="cursor-pointer list-none text-slate-600 underline decoration-dotted">
                    How is this computed?<span className="sr-only"> ({k.label})</span>
                  </summary>
                  <p className="mt-1 rounded bg-slate-50 p-2 text-slate-700">
                    <span className="font-mono font-semibold">{k.id}</span> {k.formula}
                  </p>
                </details>
              </div>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

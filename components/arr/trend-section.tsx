import { DownloadPngButton } from "@/components/charts/download-png-button";
import { MrrTrendChart } from "@/components/charts/mrr-trend-chart";
import { Table } from "@/components/ui/table";
import { chartSubtitle, pngFilename } from "@/lib/arr/chart-png";
import { formatMonthLabel } from "@/lib/arr/format";
import { formatMoney } from "@/lib/money";
import { type ArrContext, exportHref } from "./context";
import { loadMovements } from "./data";
import { ExportLink, Section } from "./section";

/** MRR-3 at each month end of the range: a chart, and the same numbers as a table behind a toggle. */
export async function TrendSection({ ctx }: { ctx: ArrContext }) {
  const rows = await loadMovements(ctx);
  const currency = ctx.org.currency;
  return (
    <Section
      id="mrr-trend"
      title="MRR trend"
      description="MRR at each month end (MRR-3)."
      actions={
        <>
          <ExportLink href={exportHref(ctx, "mrr")} label="CSV" />
          <DownloadPngButton
            label="MRR trend"
            targetId="mrr-trend-chart"
            filename={pngFilename("mrr-trend", ctx.view)}
            title="MRR trend (MRR-3)"
            subtitle={chartSubtitle(ctx.view, currency)}
          />
        </>
      }
    >
      <div aria-hidden="true" id="mrr-trend-chart">
        <MrrTrendChart points={rows.map((r) => ({ month: r.month, mrr: r.endMrr }))} currency={currency} />
      </div>
      <details className="mt-3">
        <summary className="cursor-pointer text-sm text-indigo-700 underline">Show as a table</summary>
        <div className="mt-2">
          <Table
            columns={[
              { label: "Month" },
              { label: "MRR", className: "text-right" },
              { label: "ARR", className: "text-right" },
              { label: "Active customers", className: "text-right" },
            ]}
          >
            {rows.map((r) => (
              <tr key={r.month}>
                <td className="whitespace-nowrap py-1.5 pr-4">{formatMonthLabel(r.month)}</td>
                <td className="py-1.5 pr-4 text-right tabular-nums">{formatMoney(r.endMrr, currency)}</td>
                <td className="py-1.5 pr-4 text-right tabular-nums">
                  {formatMoney(12 * r.endMrr, currency)}
                </td>
                <td className="py-1.5 pr-4 text-right tabular-nums">{r.activeCustomers}</td>
              </tr>
            ))}
          </Table>
        </div>
      </details>
    </Section>
  );
}

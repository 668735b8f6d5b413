import Link from "next/link";
import { DownloadPngButton } from "@/components/charts/download-png-button";
import { MovementsChart } from "@/components/charts/movements-chart";
import { MOVEMENT_SERIES, NET_SERIES } from "@/components/charts/palette";
import { Table } from "@/components/ui/table";
import type { MovementKind } from "@/db/schema";
import { chartSubtitle, pngFilename } from "@/lib/arr/chart-png";
import { formatMonthLabel } from "@/lib/arr/format";
import { formatMoney } from "@/lib/money";
import { type ArrContext, drillBase, drillHref, exportHref } from "./context";
import { loadMovements } from "./data";
import { ExportLink, Section } from "./section";

const COLUMNS: { kind: MovementKind; label: string; sign: "+" | "−"; swatch: string }[] = [
  { kind: "new", label: "New", sign: "+", swatch: "bg-cb-blue" },
  { kind: "expansion", label: "Expansion", sign: "+", swatch: "bg-cb-sky" },
  { kind: "reactivation", label: "Reactivation", sign: "+", swatch: "bg-cb-green" },
  { kind: "contraction", label: "Contraction", sign: "−", swatch: "bg-cb-orange" },
  { kind: "churn", label: "Churn", sign: "−", swatch: "bg-cb-vermillion" },
];

const LEGEND = [
  ...MOVEMENT_SERIES.map((s) => ({ label: s.label, hex: s.hex })),
  { label: NET_SERIES.label, hex: NET_SERIES.hex, line: true },
];

/**
 * MOV-1 movements by month as a stacked bar chart with the net movement as a line, and the MOV-2 bridge
 * as a table (the chart's accessible alternative, net included): start + new + expansion + reactivation
 * − contraction − churn = end, every movement cell linking to the customers behind it.
 */
export async function BridgeSection({ ctx }: { ctx: ArrContext }) {
  const rows = await loadMovements(ctx);
  const currency = ctx.org.currency;
  return (
    <Section
      id="bridge"
      title="MRR movements and bridge"
      description="Gains above the axis, losses below (MOV-1); the line is the net movement (MOV-2). Click a bar or a table cell for the customers behind it."
      actions={
        <>
          <ExportLink href={exportHref(ctx, "bridge")} label="CSV" />
          <DownloadPngButton
            label="MRR movements"
            targetId="movements-chart"
            filename={pngFilename("mrr-movements", ctx.view)}
            title="MRR movements (MOV-1) and net movement (MOV-2)"
            subtitle={chartSubtitle(ctx.view, currency)}
            legend={LEGEND}
          />
        </>
      }
    >
      <div aria-hidden="true" id="movements-chart">
        <MovementsChart
          bars={rows.map((r) => ({
            month: r.month,
            new: r.new,
            expansion: r.expansion,
            reactivation: r.reactivation,
            contraction: r.contraction,
            churn: r.churn,
          }))}
          currency={currency}
          drillBase={drillBase(ctx)}
          drillQuery={ctx.query}
        />
      </div>
      <div className="mt-4">
        <Table
          columns={[
            { label: "Month" },
            { label: "Start MRR", className: "text-right" },
            ...COLUMNS.map((c) => ({
              label: `${c.sign} ${c.label}`,
              className: "text-right whitespace-nowrap",
            })),
            { label: "= Net", className: "text-right whitespace-nowrap" },
            { label: "End MRR", className: "text-right" },
            { label: "Customers", className: "text-right" },
          ]}
        >
          {rows.map((r) => {
            const net = r.endMrr - r.startMrr;
            return (
              <tr
                key={r.month}
                id={`bridge-${r.month}`}
                data-testid={`bridge-${r.month}`}
                className="target:bg-amber-50"
              >
                <th scope="row" className="whitespace-nowrap py-1.5 pr-3 text-left font-normal">
                  {formatMonthLabel(r.month)}
                </th>
                <td className="py-1.5 pr-3 text-right tabular-nums">{formatMoney(r.startMrr, currency)}</td>
                {COLUMNS.map((c) => {
                  const amount = r[c.kind];
                  return (
                    <td key={c.kind} className="py-1.5 pr-3 text-right tabular-nums" data-testid={c.kind}>
                      {amount === 0 ? (
                        <span className="text-slate-400">{formatMoney(0, currency)}</span>
                      ) : (
                        <Link
                          href={drillHref(ctx, r.month, c.kind)}
                          className="inline-flex items-center gap-1 text-indigo-700 hover:underline"
                          aria-label={`${c.label} ${formatMonthLabel(r.month)}: ${formatMoney(amount, currency)}, show customers`}
                        >
                          <span
                            aria-hidden="true"
                            className={`inline-block h-2 w-2 rounded-sm ${c.swatch}`}
                          />
                          {formatMoney(amount, currency)}
                        </Link>
                      )}
                    </td>
                  );
                })}
                <td
                  data-testid="net"
                  className={`py-1.5 pr-3 text-right tabular-nums ${net < 0 ? "text-red-700" : ""}`}
                >
                  {net < 0 ? "−" : "+"}
                  {formatMoney(Math.abs(net), currency)}
                </td>
                <td className="py-1.5 pr-3 text-right font-medium tabular-nums">
                  {formatMoney(r.endMrr, currency)}
                </td>
                <td className="py-1.5 pr-3 text-right tabular-nums">{r.activeCustomers}</td>
              </tr>
            );
          })}
        </Table>
      </div>
    </Section>
  );
}

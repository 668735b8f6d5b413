import Link from "next/link";
import { DownloadPngButton } from "@/components/charts/download-png-button";
import { getDb } from "@/db/client";
import { addMonths, getCohorts } from "@/db/queries/revenue";
import { chartSubtitle, heatmapSvg, heatShade, pngFilename } from "@/lib/arr/chart-png";
import { formatMonthLabel } from "@/lib/arr/format";
import { formatMoney } from "@/lib/money";
import { type ArrContext, cohortHref, exportHref } from "./context";
import { ExportLink, Section } from "./section";

/** COH-1 retention of the cohorts in the view's range, logo and revenue, as shaded tables. */
export async function CohortsSection({ ctx }: { ctx: ArrContext }) {
  const { org, view } = ctx;
  const db = getDb();
  const base = {
    orgId: org.id,
    from: view.from,
    to: view.to,
    filters: view.filters,
    format: "counts" as const,
  };
  const [logos, revenue] = await Promise.all([
    getCohorts(db, { ...base, kind: "logo" }),
    getCohorts(db, { ...base, kind: "revenue" }),
  ]);
  return (
    <Section
      id="cohorts"
      title="Cohort retention"
      description="Customers grouped by the month of their new business (COH-1); month k is k months later. Hover a cell for the counts; open it for the customers."
    >
      <div className="space-y-6">
        <Heatmap
          ctx={ctx}
          title="Logo retention"
          table="cohorts-logo"
          matrix={logos}
          explain={(x, start) => `${x} of ${start} customers`}
        />
        <Heatmap
          ctx={ctx}
          title="Revenue retention"
          table="cohorts-revenue"
          matrix={revenue}
          explain={(x, start) => `${formatMoney(x, org.currency)} of ${formatMoney(start, org.currency)} MRR`}
        />
      </div>
    </Section>
  );
}

function Heatmap({
  ctx,
  title,
  table,
  matrix,
  explain,
}: {
  ctx: ArrContext;
  title: string;
  table: string;
  matrix: Record<string, (number | null)[]>;
  explain: (value: number, start: number) => string;
}) {
  const cohorts = Object.entries(matrix).filter(([, row]) => (row[0] ?? 0) > 0);
  const width = Math.max(0, ...cohorts.map(([, row]) => row.length));
  const slug = table;
  return (
    <div>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`${slug}-title`} className="text-sm font-semibold text-slate-900">
          {title}
        </h3>
        <div className="flex flex-wrap gap-3 text-sm">
          <ExportLink href={exportHref(ctx, table)} label={`${title} CSV`} />
          {cohorts.length > 0 && (
            <DownloadPngButton
              label={title}
              filename={pngFilename(table, ctx.view)}
              title={`${title} by cohort (COH-1)`}
              subtitle={chartSubtitle(ctx.view, ctx.org.currency)}
              svg={heatmapSvg(Object.fromEntries(cohorts))}
            />
          )}
        </div>
      </div>
      {cohorts.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No customer started in this range.</p>
      ) : (
        <div className="relative mt-2 overflow-x-auto" data-testid={`heatmap-${slug}`}>
          <table aria-labelledby={`${slug}-title`} className="text-xs">
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3 text-left font-medium">
                  Cohort
                </th>
                {Array.from({ length: width }, (_, k) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the month offset is the column's identity
                  <th key={k} scope="col" className="min-w-[3.25rem] px-1 py-1 text-right font-medium">
                    {k === 0 ? "Start" : `M${k}`}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.map(([cohort, row]) => {
                const start = row[0] ?? 0;
                return (
                  <tr key={cohort}>
                    <th
                      scope="row"
                      className="whitespace-nowrap py-0.5 pr-3 text-left font-normal text-slate-700"
                    >
                      {formatMonthLabel(cohort)}
                    </th>
                    {row.map((x, k) => {
                      const value = x ?? 0;
                      const fraction = start ? value / start : 0;
                      const month = addMonths(cohort, k);
                      const shade = heatShade(fraction);
                      return (
                        <td
                          // biome-ignore lint/suspicious/noArrayIndexKey: the month offset is the cell's identity
                          key={k}
                          className="p-0 text-right tabular-nums"
                          style={{ backgroundColor: shade.hex, color: shade.dark ? "#ffffff" : "#0f172a" }}
                        >
                          <Link
                            href={cohortHref(ctx, cohort, month)}
                            title={`${explain(value, start)}: show customers`}
                            data-testid={`cell-${cohort}-${k}`}
                            className="block px-1 py-1 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
                          >
                            {Math.round(fraction * 100)}%
                            <span className="sr-only">
                              {" "}
                              ({explain(value, start)}, {formatMonthLabel(month)}; show customers)
                            </span>
                          </Link>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

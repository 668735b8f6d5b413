import { toMajor } from "@/db/queries/revenue-json";
import { metricValue } from "@/db/queries/snapshots";
import type { MetricsSnapshot } from "@/db/schema";
import { metricByName } from "@/lib/snapshots/metrics";
import { formatMetric, formatTileValue } from "./format";

type Tile = { metric: string; detail?: (s: MetricsSnapshot) => string };

const TILES: Tile[] = [
  { metric: "mrr", detail: (s) => `ARR ${formatMetric(toMajor(s.arr, s.currency), "money", s.currency)}` },
  {
    metric: "customers_total",
    detail: (s) => `+${s.customersNew} new, −${s.customersChurned} churned this month`,
  },
  { metric: "dau", detail: (s) => `WAU ${s.wau} · MAU ${s.mau}` },
  {
    metric: "activation_rate",
    detail: (s) => `${s.activationActivated} of ${s.activationStarted} users started in the last 30 days`,
  },
  { metric: "jobs_failed", detail: (s) => `of ${s.jobsTotal} import jobs that day` },
  {
    metric: "runway_months",
    detail: (s) =>
      s.cash === null
        ? "Add cash and burn in the settings"
        : `Cash ${formatMetric(toMajor(s.cash, s.currency), "money", s.currency)}`,
  },
];

/** The headline tiles of the latest snapshot, each with the change from the snapshot before. */
export function SummaryTiles({ latest, previous }: { latest: MetricsSnapshot; previous?: MetricsSnapshot }) {
  return (
    <dl className="grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
      {TILES.map((tile) => {
        const metric = metricByName(tile.metric);
        if (!metric) return null;
        const value = metricValue(metric, latest);
        const before = previous ? metricValue(metric, previous) : null;
        const change = value !== null && before !== null ? value - before : null;
        return (
          <div
            key={tile.metric}
            data-testid={`tile-${tile.metric}`}
            className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
          >
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">
              {tile.metric === "jobs_failed" ? "Import jobs failed" : metric.label}
              {metric.ids.length > 0 && (
                <span className="ml-1 font-normal normal-case text-slate-400">({metric.ids.join(", ")})</span>
              )}
            </dt>
            <dd
              className="mt-1 text-2xl font-semibold tabular-nums text-slate-900"
              title={formatMetric(value, metric.kind, latest.currency)}
            >
              {formatTileValue(value, metric.kind, latest.currency)}
            </dd>
            {change !== null && change !== 0 && (
              <dd className={`text-xs tabular-nums ${change > 0 ? "text-emerald-700" : "text-red-700"}`}>
                {change > 0 ? "▲" : "▼"}{" "}
                {formatMetric(
                  Math.abs(change),
                  metric.kind === "rate" ? "rate" : metric.kind,
                  latest.currency,
                )}{" "}
                <span className="text-slate-500">vs {previous?.date}</span>
              </dd>
            )}
            {tile.detail && <dd className="mt-1 text-xs text-slate-600">{tile.detail(latest)}</dd>}
          </div>
        );
      })}
    </dl>
  );
}

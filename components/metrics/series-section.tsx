import Link from "next/link";
import { getDb } from "@/db/client";
import { GRANULARITIES, getTimeseries } from "@/db/queries/snapshots";
import { SNAPSHOT_METRICS } from "@/lib/snapshots/metrics";
import { type MetricsView, metricsViewQuery, RANGE_PRESETS } from "@/lib/snapshots/view";
import { formatMetric } from "./format";
import { SeriesChart } from "./series-chart";

const RANGE_LABELS: Record<(typeof RANGE_PRESETS)[number], string> = {
  "30": "Last 30 days",
  "90": "Last 90 days",
  "365": "Last 365 days",
  custom: "Custom (from/to)",
};

const selectClass =
  "mt-1 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:outline-none focus:ring-2 focus:ring-indigo-600";

/** Any snapshot metric over a date range at day/week/month granularity: chart, table alternative, CSV. */
export async function SeriesSection({
  org,
  view,
}: {
  org: { id: string; slug: string; currency: string };
  view: MetricsView;
}) {
  const points = await getTimeseries(getDb(), {
    orgId: org.id,
    metric: view.metric,
    from: view.from,
    to: view.to,
    granularity: view.granularity,
  });
  const exportHref = `/api/v1/metrics/export.csv?${new URLSearchParams({ org: org.slug, from: view.from, to: view.to })}`;
  return (
    <section
      aria-labelledby="series-title"
      className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="series-title" className="text-base font-semibold text-slate-900">
          {view.metric.label}{" "}
          <span className="text-sm font-normal text-slate-500">
            {view.from} – {view.to}, by {view.granularity}
          </span>
        </h2>
        <a href={exportHref} className="text-sm font-medium text-indigo-700 hover:underline" download>
          Export CSV (all metrics)
        </a>
      </div>
      <form
        method="get"
        className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6"
        aria-label="Chart options"
      >
        <label className="col-span-2 block text-sm font-medium text-slate-800">
          Metric
          <select name="metric" defaultValue={view.metric.name} className={selectClass}>
            {SNAPSHOT_METRICS.map((m) => (
              <option key={m.name} value={m.name}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium text-slate-800">
          Range
          <select name="range" defaultValue={view.range} className={selectClass}>
            {RANGE_PRESETS.map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium text-slate-800">
          From
          <input type="date" name="from" defaultValue={view.from} className={selectClass} />
        </label>
        <label className="block text-sm font-medium text-slate-800">
          To
          <input type="date" name="to" defaultValue={view.to} className={selectClass} />
        </label>
        <label className="block text-sm font-medium text-slate-800">
          Granularity
          <select name="granularity" defaultValue={view.granularity} className={selectClass}>
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <div className="col-span-2 flex items-end gap-3 sm:col-span-3 lg:col-span-6">
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Show
          </button>
          <p className="text-xs text-slate-500">
            From/To apply with “Custom”. A week or month shows its last day’s value.
          </p>
        </div>
      </form>
      <div className="mt-4" aria-hidden="true">
        {points.length === 0 ? (
          <p className="rounded-md bg-slate-50 p-6 text-center text-sm text-slate-600">
            No snapshots in this range. Compute one now or backfill the range below.
          </p>
        ) : (
          <SeriesChart
            points={points}
            label={view.metric.label}
            kind={view.metric.kind}
            currency={org.currency}
          />
        )}
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-700">Table of the {points.length} point(s)</summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">
              {view.metric.label} by {view.granularity}
            </caption>
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-4">
                  {view.granularity === "day" ? "Day" : `${view.granularity} starting`}
                </th>
                <th className="py-1 pr-4 text-right">{view.metric.label}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {points.map((p) => (
                <tr key={p.date}>
                  <td className="py-1 pr-4 tabular-nums">{p.date}</td>
                  <td className="py-1 pr-4 text-right tabular-nums">
                    {formatMetric(p.value, view.metric.kind, org.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <p className="mt-2 text-xs text-slate-500">
        Bookmark this view:{" "}
        <Link
          className="text-indigo-700 hover:underline"
          href={`/${org.slug}/metrics?${metricsViewQuery(view)}`}
        >
          link
        </Link>
      </p>
    </section>
  );
}

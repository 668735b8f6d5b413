import { GRANULARITIES, type Granularity } from "@/db/queries/snapshots";
import { addDays, dayDiff, isIsoDay } from "./dates";
import { METRIC_NAMES, type MetricDef, metricByName } from "./metrics";
import { MAX_RANGE_DAYS } from "./range";

/*
 * The executive dashboard's view, from the URL (so a view can be bookmarked): the charted metric, the
 * date range (a preset of 30/90/365 days ending at the latest snapshot, or from/to) and the granularity.
 * Bad values fall back to the defaults rather than failing the page.
 */

export const RANGE_PRESETS = ["30", "90", "365", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export type MetricsView = {
  metric: MetricDef;
  range: RangePreset;
  from: string;
  to: string;
  granularity: Granularity;
};

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function parseMetricsView(sp: SearchParams, latest: string): MetricsView {
  const name = first(sp.metric);
  const metric = metricByName(name && METRIC_NAMES.includes(name) ? name : "mrr") as MetricDef;
  const g = first(sp.granularity);
  const granularity = (GRANULARITIES as readonly string[]).includes(g ?? "") ? (g as Granularity) : "day";
  const from = first(sp.from);
  const to = first(sp.to);
  const r = first(sp.range);
  if (
    r === "custom" &&
    from &&
    to &&
    isIsoDay(from) &&
    isIsoDay(to) &&
    from <= to &&
    dayDiff(from, to) < MAX_RANGE_DAYS
  )
    return { metric, range: "custom", from, to, granularity };
  const range: RangePreset = r === "30" || r === "365" ? r : "90";
  return { metric, range, from: addDays(latest, -(Number(range) - 1)), to: latest, granularity };
}

export function metricsViewQuery(v: MetricsView): string {
  const q = new URLSearchParams({ metric: v.metric.name, range: v.range, granularity: v.granularity });
  if (v.range === "custom") {
    q.set("from", v.from);
    q.set("to", v.to);
  }
  return q.toString();
}

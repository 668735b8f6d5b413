"use client";

import { LineChart } from "@tremor/react";
import type { MetricKind } from "@/lib/snapshots/metrics";
import { formatAxis, formatMetric } from "./format";

/** One snapshot metric over time (the page renders the same points as a table for screen readers). */
export function SeriesChart({
  points,
  label,
  kind,
  currency,
}: {
  points: { date: string; value: number | null }[];
  label: string;
  kind: MetricKind;
  currency: string;
}) {
  const data = points.map((p) => ({ date: p.date, [label]: p.value }));
  return (
    <LineChart
      className="h-72"
      data={data}
      index="date"
      categories={[label]}
      colors={["cb-blue"]}
      valueFormatter={(v: number) =>
        kind === "money" || kind === "count" ? formatAxis(v, kind, currency) : formatMetric(v, kind, currency)
      }
      showLegend={false}
      yAxisWidth={72}
      connectNulls={false}
      showAnimation={false}
    />
  );
}

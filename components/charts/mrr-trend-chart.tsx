"use client";

import { AreaChart } from "@tremor/react";
import { compactMoney, majorUnits, shortMonth } from "./format";

export type MrrTrendPoint = { month: string; mrr: number };

/** MRR-3 per month end as an area chart (the page renders the same numbers as a table for screen readers). */
export function MrrTrendChart({
  points,
  currency,
  className = "h-64",
}: {
  points: MrrTrendPoint[];
  currency: string;
  className?: string;
}) {
  const data = points.map((p) => ({ month: shortMonth(p.month), MRR: majorUnits(p.mrr, currency) }));
  return (
    <AreaChart
      className={className}
      data={data}
      index="month"
      categories={["MRR"]}
      colors={["cb-blue"]}
      valueFormatter={compactMoney(currency)}
      showLegend={false}
      yAxisWidth={64}
      showAnimation={false}
    />
  );
}

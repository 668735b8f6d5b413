"use client";

import { AreaChart } from "@tremor/react";
import { compactMoney, majorUnits } from "./format";

export type MrrTrendPoint = { month: string; mrr: number };

/** MRR-3 per month end as an area chart (the page renders the same numbers as a table for screen readers). */
export function MrrTrendChart({ points, currency }: { points: MrrTrendPoint[]; currency: string }) {
  const data = points.map((p) => ({ month: p.month, MRR: majorUnits(p.mrr, currency) }));
  return (
    <AreaChart
      className="h-64"
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

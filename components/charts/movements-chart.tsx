"use client";

import { BarChart, type EventProps } from "@tremor/react";
import { useRouter } from "next/navigation";
import { compactMoney, majorUnits } from "./format";

export type MovementBar = {
  month: string;
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
};

// MOV-1 kinds in the Okabe–Ito palette: gains in blues and green, losses in orange and vermillion.
const SERIES = [
  { key: "new", label: "New", color: "cb-blue", sign: 1 },
  { key: "expansion", label: "Expansion", color: "cb-sky", sign: 1 },
  { key: "reactivation", label: "Reactivation", color: "cb-green", sign: 1 },
  { key: "contraction", label: "Contraction", color: "cb-orange", sign: -1 },
  { key: "churn", label: "Churn", color: "cb-vermillion", sign: -1 },
] as const;

/**
 * Movements by month, stacked: gains up, contraction and churn down. Clicking a bar opens the customers
 * behind it (`drillHref(month, kind)`); the bridge table beside it has the same links for keyboards.
 */
export function MovementsChart({
  bars,
  currency,
  drillBase,
  drillQuery,
}: {
  bars: MovementBar[];
  currency: string;
  /** `/org/arr/movements`: a click goes to `${drillBase}/${month}/${kind}?${drillQuery}`. */
  drillBase: string;
  drillQuery: string;
}) {
  const router = useRouter();
  const data = bars.map((b) => ({
    month: b.month,
    ...Object.fromEntries(SERIES.map((s) => [s.label, s.sign * majorUnits(b[s.key], currency)])),
  }));
  const onValueChange = (v: EventProps) => {
    const series = SERIES.find((s) => s.label === v?.categoryClicked);
    if (v?.eventType !== "bar" || !series || typeof v.month !== "string") return;
    router.push(`${drillBase}/${v.month}/${series.key}${drillQuery ? `?${drillQuery}` : ""}`);
  };
  return (
    <BarChart
      className="h-72"
      data={data}
      index="month"
      categories={SERIES.map((s) => s.label)}
      colors={SERIES.map((s) => s.color)}
      valueFormatter={compactMoney(currency)}
      stack
      yAxisWidth={64}
      showAnimation={false}
      onValueChange={onValueChange}
    />
  );
}

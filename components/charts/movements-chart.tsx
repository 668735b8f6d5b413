"use client";

import { useRouter } from "next/navigation";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { compactMoney, majorUnits, shortMonth } from "./format";
import { MOVEMENT_SERIES, NET_SERIES } from "./palette";

export type MovementBar = {
  month: string;
  new: number;
  expansion: number;
  reactivation: number;
  contraction: number;
  churn: number;
};

/**
 * Movements by month, stacked: gains up, contraction and churn down, and the net movement (MOV-2:
 * new + expansion + reactivation − contraction − churn) as a line over the bars. Tremor's BarChart has
 * no line layer, so this is Recharts (which Tremor draws with) styled like the Tremor charts. Clicking
 * a bar opens the customers behind it; the bridge table beside it has the same links for keyboards.
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
  const money = compactMoney(currency);
  const data = bars.map((b) => {
    const row: Record<string, number | string> = { month: b.month };
    for (const s of MOVEMENT_SERIES) row[s.label] = s.sign * majorUnits(b[s.key], currency);
    const net = b.new + b.expansion + b.reactivation - b.contraction - b.churn;
    row[NET_SERIES.label] = majorUnits(net, currency);
    return row;
  });
  const drill = (month: unknown, kind: string) => {
    if (typeof month !== "string") return;
    router.push(`${drillBase}/${month}/${kind}${drillQuery ? `?${drillQuery}` : ""}`);
  };
  return (
    <div>
      <ul className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {MOVEMENT_SERIES.map((s) => (
          <li key={s.key} className="inline-flex items-center gap-1.5">
            <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: s.hex }} />
            {s.label}
          </li>
        ))}
        <li className="inline-flex items-center gap-1.5">
          <span className="inline-block h-0.5 w-4" style={{ backgroundColor: NET_SERIES.hex }} />
          {NET_SERIES.label}
        </li>
      </ul>
      <div className="h-72 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} stackOffset="sign" margin={{ top: 5, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis
              dataKey="month"
              tickFormatter={shortMonth}
              tick={{ fontSize: 12, fill: "#64748b" }}
              tickLine={false}
              axisLine={false}
              minTickGap={8}
              padding={{ left: 8, right: 8 }}
            />
            <YAxis
              width={64}
              tickFormatter={money}
              tick={{ fontSize: 12, fill: "#64748b" }}
              tickLine={false}
              axisLine={false}
            />
            <ReferenceLine y={0} stroke="#94a3b8" />
            <Tooltip
              cursor={{ fill: "#d1d5db", opacity: 0.15 }}
              isAnimationActive={false}
              content={(props) => <MovementsTooltip {...props} format={money} />}
            />
            {MOVEMENT_SERIES.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.label}
                stackId="movements"
                fill={s.hex}
                isAnimationActive={false}
                cursor="pointer"
                onClick={(entry: { payload?: { month?: unknown } }) => drill(entry.payload?.month, s.key)}
              />
            ))}
            <Line
              dataKey={NET_SERIES.label}
              type="linear"
              stroke={NET_SERIES.hex}
              strokeWidth={2}
              dot={{ r: 3, fill: NET_SERIES.hex, stroke: "#ffffff", strokeWidth: 1 }}
              activeDot={{ r: 4 }}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

function MovementsTooltip({
  active,
  payload,
  label,
  format,
}: {
  active?: boolean;
  payload?: { dataKey?: unknown; name?: unknown; value?: unknown; color?: string }[];
  label?: unknown;
  format: (major: number) => string;
}) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md bg-white px-3 py-2 text-xs shadow-md ring-1 ring-slate-200">
      <p className="mb-1 font-medium text-slate-900">
        {typeof label === "string" ? shortMonth(label) : null}
      </p>
      <ul className="space-y-0.5">
        {payload.map((p) => (
          <li key={String(p.dataKey)} className="flex items-center justify-between gap-4">
            <span className="inline-flex items-center gap-1.5 text-slate-600">
              <span className="inline-block h-2 w-2 rounded-sm" style={{ backgroundColor: p.color }} />
              {String(p.name)}
            </span>
            <span className="tabular-nums text-slate-900">{format(Number(p.value ?? 0))}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

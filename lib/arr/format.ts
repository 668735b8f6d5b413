import type { MovementKind } from "@/db/schema";
import { formatMoney } from "@/lib/money";

/*
 * How the ARR dashboard writes its numbers. An undefined rate (denominator 0, METRICS.md) is "—", never
 * 0% or NaN; changes carry their sign.
 */

export const DASH = "—";

/** 0.975 → "97.5%"; null → "—". */
export function formatRate(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return DASH;
  return `${(fraction * 100).toFixed(1)}%`;
}

/** 2.5 → "2.50"; null → "—". */
export function formatRatio(value: number | null): string {
  return value === null || !Number.isFinite(value) ? DASH : value.toFixed(2);
}

export type KpiKind = "money" | "rate" | "ratio" | "count";

export function formatKpi(value: number | null, kind: KpiKind, currency: string): string {
  if (value === null) return DASH;
  if (kind === "money") return formatMoney(value, currency);
  if (kind === "rate") return formatRate(value);
  if (kind === "ratio") return formatRatio(value);
  return value.toLocaleString("en-US");
}

const signed = (text: string, negative: boolean, zero: boolean) =>
  zero ? `±${text}` : negative ? `−${text}` : `+${text}`;

/**
 * The change from `previous` to `current`: money and counts as a difference with the relative change
 * ("+$30.00 (+15.1%)"), rates in percentage points ("−1.2 pts"), ratios as a difference. "—" when either
 * side is undefined.
 */
export function formatChange(
  current: number | null,
  previous: number | null,
  kind: KpiKind,
  currency: string,
): string {
  if (current === null || previous === null) return DASH;
  const diff = current - previous;
  const zero = diff === 0;
  if (kind === "rate") return signed(`${Math.abs(diff * 100).toFixed(1)} pts`, diff < 0, zero);
  if (kind === "ratio") return signed(Math.abs(diff).toFixed(2), diff < 0, zero);
  const absolute =
    kind === "money" ? formatMoney(Math.abs(diff), currency) : Math.abs(diff).toLocaleString("en-US");
  const relative =
    previous === 0 ? "" : ` (${signed(`${Math.abs((diff / previous) * 100).toFixed(1)}%`, diff < 0, zero)})`;
  return `${signed(absolute, diff < 0, zero)}${relative}`;
}

const MONTH_LABEL = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "UTC" });

/** `Jan 2024` from `2024-01` (one shared formatter: toLocaleDateString builds one per call). */
export function formatMonthLabel(month: string): string {
  return MONTH_LABEL.format(new Date(`${month}-01T00:00:00Z`));
}

/** MOV-1 kinds as the dashboard names them. */
export const MOVEMENT_LABELS: Record<MovementKind, string> = {
  new: "New business",
  expansion: "Expansion",
  reactivation: "Reactivation",
  contraction: "Contraction",
  churn: "Churn",
};

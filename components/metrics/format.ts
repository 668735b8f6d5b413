import type { MetricKind } from "@/lib/snapshots/metrics";

/*
 * Display of snapshot values on the client and the server alike (no functions cross to the client:
 * chart leaves call these themselves). Money arrives in major units here.
 */

export function formatMetric(value: number | null | undefined, kind: MetricKind, currency: string): string {
  if (value === null || value === undefined) return "—";
  switch (kind) {
    case "money":
      return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(
        value,
      );
    case "rate":
      return `${(value * 100).toFixed(1)}%`;
    case "ratio":
      return value.toFixed(2);
    case "months":
      return `${value.toFixed(1)} mo`;
    case "duration":
      return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
    default:
      return new Intl.NumberFormat("en-US").format(value);
  }
}

/** Axis ticks: compact money and counts. */
export function formatAxis(value: number, kind: MetricKind, currency: string): string {
  if (kind === "money")
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      notation: "compact",
      maximumFractionDigits: 1,
    }).format(value);
  if (kind === "count") return new Intl.NumberFormat("en-US", { notation: "compact" }).format(value);
  return formatMetric(value, kind, currency);
}

/** A tile's headline: money from a million up in compact form ($10.2M; the exact value is its title). */
export function formatTileValue(
  value: number | null | undefined,
  kind: MetricKind,
  currency: string,
): string {
  if (kind === "money" && value !== null && value !== undefined && Math.abs(value) >= 1_000_000)
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      notation: "compact",
      maximumFractionDigits: 2,
    }).format(value);
  return formatMetric(value, kind, currency);
}

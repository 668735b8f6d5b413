/*
 * Axis and tooltip formatting for the chart leaves. It lives on the client because a function (Tremor's
 * valueFormatter) cannot be passed from a Server Component; the charts get cents and a currency code.
 */

export function majorUnits(cents: number, currency: string): number {
  const exponent =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return cents / 10 ** exponent;
}

/** `$1.2k`, `$3.4M`, `−$500`: short money for axes and tooltips. */
export function compactMoney(currency: string) {
  const format = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    notation: "compact",
    maximumFractionDigits: 1,
  });
  return (major: number) => format.format(major);
}

/** `Jan 24` from `2024-01`: short month labels for axes and tooltips. */
export function shortMonth(month: string): string {
  const [y, m] = month.split("-");
  if (!y || !m) return month;
  const name = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleDateString("en-US", {
    month: "short",
    timeZone: "UTC",
  });
  return `${name} ${y.slice(2)}`;
}

import { currencyExponent } from "@/lib/metrics/mrr";

/*
 * Money on the customer pages: amounts are integer minor units (METRICS.md); the forms take major units
 * as typed ("19.99") and these turn them into minor units by their digits, never by a float multiply
 * (19.99 × 100 is 1998.9999999999998 in floating point).
 */

// One formatter per currency: building an Intl.NumberFormat costs ~60 µs, and a 24-month revenue heatmap
// formats over a thousand amounts per page.
const moneyFormats = new Map<string, { format: Intl.NumberFormat; exponent: number }>();

/** `$1,234.56` from 123456 minor units of `currency` (yen has none: ¥1,235 from 1235). */
export function formatMoney(minor: number, currency: string): string {
  let entry = moneyFormats.get(currency);
  if (!entry) {
    const exponent = currencyExponent(currency);
    const format = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    entry = { format, exponent };
    moneyFormats.set(currency, entry);
  }
  return entry.format.format(minor / 10 ** entry.exponent);
}

/** Minor units as a plain decimal in major units, exactly: 1999 USD → "19.99", 1235 JPY → "1235". */
export function minorToDecimal(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${minor < 0 ? "-" : ""}${whole}${exponent ? `.${fraction}` : ""}`;
}

export type ParsedMoney = { ok: true; minor: number } | { ok: false; message: string };

// A comma is only accepted as a thousands separator (1,200.50): "1,5" is ambiguous, so it is refused.
const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;
const SHAPE_ERROR = "Enter an amount like 19.99 (digits and a decimal point).";

/** Whether `text` reads as an amount at all, whatever the currency; the message when it does not. */
export function amountShapeError(text: string): string | undefined {
  const match = AMOUNT.exec(text.trim());
  return match && (match[1] || match[2]) ? undefined : SHAPE_ERROR;
}

/**
 * A non-negative amount typed in major units ("19.99", "1,200.50", "120") → minor units of `currency`
 * (1999, 120050, 12000). More decimals than the currency has is an error, not a silent rounding.
 */
export function parseMoney(text: string, currency: string): ParsedMoney {
  const exponent = currencyExponent(currency);
  const match = AMOUNT.exec(text.trim());
  if (!match || (!match[1] && !match[2])) return { ok: false, message: SHAPE_ERROR };
  const whole = (match[1] ?? "0").replaceAll(",", "");
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) {
    return {
      ok: false,
      message:
        exponent === 0
          ? `${currency} has no minor unit: enter a whole amount.`
          : `${currency} has ${exponent} decimal places at most.`,
    };
  }
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: "That amount is too large." };
  return { ok: true, minor: Number(minor) };
}

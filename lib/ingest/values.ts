import type { IntervalUnit, ItemStatus } from "@/db/schema/subscription-items";
import * as other from "./languages";

/*
 * Parsers for single cell values, each answering `{ ok, value }` or `{ ok: false, reason }` where the
 * reason completes a sentence about the cell ("'31/31/2024' is not a date"). Dates live in dates.ts and
 * money in amounts.ts; the small ones are here. Regular expressions and tables are built once, at load:
 * the import job calls these for every cell of every row.
 */

export type TParsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Remembers a parser's answers for the few distinct spellings a column repeats ("monthly", "active"),
 * up to `size` of them. The answers are shared, so they are frozen.
 */
function memo<T>(parse: (text: string) => TParsed<T>, size = 1000): (text: string) => TParsed<T> {
  const seen = new Map<string, TParsed<T>>();
  return (text) => {
    let r = seen.get(text);
    if (!r) {
      r = Object.freeze(parse(text));
      if (r.ok && typeof r.value === "object") Object.freeze(r.value);
      if (seen.size < size) seen.set(text, r);
    }
    return r;
  };
}

export {
  CURRENCY_CODES,
  compareDecimal,
  decideDecimalMark,
  parseAmount,
  parseCurrency,
  type TAmount,
  type TDecimalDecision,
  type TDecimalMark,
  toMinorUnits,
} from "./amounts";
export {
  decideDateOrder,
  excelSerialToIso,
  isExcelSerialColumn,
  parseDate,
  type TDateFormat,
  type TDateOrder,
  type TDateOrderDecision,
} from "./dates";

/** Cells that mean "no value" in exports: empty, a dash, N/A, null; "k.A.", "#NV" (languages.ts). */
const BLANKS = new Set(["", "-", "—", "–", "n/a", "na", "null", "none", "nil", "#n/a", ...other.BLANK_WORDS]);
export function isBlank(text: string): boolean {
  return BLANKS.has(text.trim().toLowerCase());
}

// ---- intervals -------------------------------------------------------------------------------------

export type TIntervalUnit = Exclude<IntervalUnit, "quarter">;
export type TInterval = { unit: TIntervalUnit; count: number };

/** Words for one billing period, with how many units it spans (a quarter is 3 months). */
const PERIOD_WORDS: Record<string, TInterval> = {};
const define = (unit: TIntervalUnit, count: number, words: string[]) => {
  for (const w of words) PERIOD_WORDS[w] = { unit, count };
};
define("day", 1, ["d", "day", "days", "daily"]);
define("week", 1, ["w", "wk", "wks", "week", "weeks", "weekly"]);
define("week", 2, ["biweekly", "bi weekly", "fortnight", "fortnightly"]);
define("month", 1, ["m", "mo", "mos", "mon", "mth", "mths", "month", "months", "monthly"]);
define("month", 2, ["bimonthly", "bi monthly"]);
define("month", 3, ["q", "qtr", "qtrs", "quarter", "quarters", "quarterly"]);
define("month", 6, [
  "semi annual",
  "semiannual",
  "semi annually",
  "semiannually",
  "semi yearly",
  "half year",
  "half yearly",
  "biannual",
  "biannually",
]);
define("year", 1, ["y", "yr", "yrs", "year", "years", "yearly", "annual", "annually", "annum"]);
define("year", 2, ["biennial", "biennially"]);
for (const [unit, count, words] of other.INTERVAL_WORDS) define(unit, count, [...words]);

const PREFIXES = ["every", "per", "each", "a", ...other.INTERVAL_PREFIXES].join("|");
/** Counts written out, as HubSpot writes its intervals ("Per six months", "Every two years"). */
const COUNT_WORDS: Record<string, number> = {
  other: 2,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const INTERVAL = new RegExp(
  `^(?:(?:${PREFIXES})\\s+|\\/\\s*)?(\\d+|${Object.keys(COUNT_WORDS).join("|")})?\\s*([a-z ]+?)$`,
);
const ISO_DURATION = /^p(\d+)([dwmy])$/;
const ONE_TIME = /^(one ?time|once|lifetime|single|one off)$/;

/**
 * A billing interval: "Monthly", "mo", "1 month", "every 2 months", "Quarterly", "3 months",
 * "semi-annual", "Annual", "yr", "12 months", "P1Y", and the same in other languages ("monatlich",
 * "alle 3 Monate", "trimestriel", "anual"). Whole years of months become years (12 months → 1 year), so
 * one interval has one spelling.
 */
export const parseInterval = memo(readInterval);
function readInterval(text: string): TParsed<TInterval> {
  const t = other
    .foldAccents(text.trim())
    .replace(/[_-]+/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^1 ?\/ ?/, "/")
    .replace(/\.$/, "");
  if (ONE_TIME.test(t))
    return { ok: false, reason: `'${text}' is a one-time charge, not a recurring interval` };
  const iso = ISO_DURATION.exec(t);
  const m = iso ? null : INTERVAL.exec(t);
  const word = iso ? (iso[2] ?? "") : (m?.[2] ?? "").trim();
  const base = PERIOD_WORDS[word];
  if (!base) return { ok: false, reason: `'${text}' is not a billing interval` };
  const count = m?.[1];
  const times = iso ? Number(iso[1]) : count === undefined ? 1 : (COUNT_WORDS[count] ?? Number(count));
  return intervalOf(base.unit, base.count * times, text);
}

/** An interval of `count` units, validated; whole years of months become years. */
export function intervalOf(unit: TIntervalUnit, count: number, text = String(count)): TParsed<TInterval> {
  if (!Number.isInteger(count) || count < 1 || count > 120) {
    return { ok: false, reason: `'${text}' is not an interval of 1 to 120 periods` };
  }
  if (unit === "month" && count % 12 === 0) return { ok: true, value: { unit: "year", count: count / 12 } };
  return { ok: true, value: { unit, count } };
}

// ---- small types -----------------------------------------------------------------------------------

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;
const NAMED_EMAIL = /^[^<]*<([^>]+)>$/;

/** An email address, lower-cased (addresses are compared case-insensitively); "Ann <a@b.co>" too. */
export function parseEmail(text: string): TParsed<string> {
  const t = text.trim();
  const address = (NAMED_EMAIL.exec(t)?.[1] ?? t).trim().replace(/^mailto:/i, "");
  if (!EMAIL.test(address)) return { ok: false, reason: `'${text}' is not an email address` };
  return { ok: true, value: address.toLowerCase() };
}

const INTEGER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:[ \u00a0']\d{3})+)$/;
const ZERO_FRACTION = /[.,]0{1,2}$/;

/** A whole number: "12", "1,000", "1 000", "12.0" (a spreadsheet's float of a whole number). */
export function parseInteger(text: string): TParsed<number> {
  const t = text.trim().replace(ZERO_FRACTION, "");
  if (!INTEGER.test(t)) return { ok: false, reason: `'${text}' is not a whole number` };
  const n = Number(t.replace(/[^\d+-]/g, ""));
  if (!Number.isSafeInteger(n)) return { ok: false, reason: `'${text}' is too large` };
  return { ok: true, value: n };
}

export type TPercentScale = "points" | "fraction";
const PERCENT = /^([+-]?)(\d*)(?:[.,](\d+))?\s*%?$/;

/**
 * A percentage as an exact decimal string of percentage points: "10%" → "10", "12.5" → "12.5". A bare
 * number is read in the column's scale: "points" (10 means 10%, the default) or "fraction" (0.1 means
 * 10%), which `decidePercentScale` chooses from the column.
 */
export function parsePercent(text: string, scale: TPercentScale = "points"): TParsed<string> {
  const t = text.trim();
  const m = PERCENT.exec(t);
  if (!m || (!m[2] && !m[3])) return { ok: false, reason: `'${text}' is not a percentage` };
  const [, sign = "", whole = "", fraction = ""] = m;
  const shift = scale === "fraction" && !t.endsWith("%") ? 2 : 0;
  const digits = `${whole || "0"}${fraction.padEnd(shift, "0")}`;
  const point = (whole || "0").length + shift;
  const intPart = digits.slice(0, point).replace(/^0+(?=\d)/, "");
  const fracPart = digits.slice(point).replace(/0+$/, "");
  const value = fracPart ? `${intPart}.${fracPart}` : intPart;
  return { ok: true, value: sign === "-" && value !== "0" ? `-${value}` : value };
}

/**
 * A percentage column holds fractions when no value has a `%`, every value is within 0..1 and at least
 * one has a fraction (0.1, 0.25); otherwise bare numbers are percentage points.
 */
export function decidePercentScale(values: readonly string[]): TPercentScale {
  let fractional = false;
  for (const v of values) {
    const t = v.trim();
    if (t === "") continue;
    const m = PERCENT.exec(t);
    if (!m || t.endsWith("%")) return "points";
    const n = Number(`${m[2] || "0"}.${m[3] ?? "0"}`);
    if (n > 1) return "points";
    if (m[3] && /[1-9]/.test(m[3])) fractional = true;
  }
  return fractional ? "fraction" : "points";
}

// ---- status ----------------------------------------------------------------------------------------

export type TStatus = ItemStatus;
const STATUS_WORDS: Record<string, TStatus> = {};
const status = (value: TStatus, words: string[]) => {
  for (const w of words) STATUS_WORDS[w] = value;
};
status("active", [
  "active",
  "live",
  "current",
  "paying",
  "ongoing",
  "in force",
  "non renewing",
  "future",
  "renewed",
]);
status("trialing", ["trialing", "trialling", "trial", "in trial", "on trial", "free trial", "trial period"]);
status("past_due", ["past due", "pastdue", "overdue", "unpaid", "delinquent", "dunning", "payment failed"]);
status("paused", ["paused", "on hold", "suspended", "frozen"]);
status("canceled", [
  "canceled",
  "cancelled",
  "cancel",
  "ended",
  "churned",
  "expired",
  "terminated",
  "inactive",
]);
/**
 * Statuses of subscriptions that never started: Stripe's incomplete (the first payment has not gone
 * through) and incomplete_expired (it never did), Zuora's drafts and pending ones. They have no revenue,
 * and the Stripe sync makes no items of them either (lib/stripe/mapping.ts).
 */
const NEVER_STARTED = new Set([
  "incomplete",
  "incomplete expired",
  "draft",
  "pending activation",
  "pending acceptance",
]);
for (const [value, words] of Object.entries(other.STATUS_WORDS)) status(value as TStatus, [...words]);

/**
 * A subscription status in its canonical spelling: "Past Due", "unpaid" → past_due; "churned" →
 * canceled; "gekündigt", "résilié", "cancelado" → canceled.
 */
export const parseStatus = memo(readStatus);
function readStatus(text: string): TParsed<TStatus> {
  const key = other
    .foldAccents(text.trim())
    .replace(/[_\-\s']+/g, " ")
    .trim();
  const value = STATUS_WORDS[key];
  if (value) return { ok: true, value };
  if (NEVER_STARTED.has(key)) {
    return {
      ok: false,
      reason: `'${text}' is a subscription that never started: it has no revenue to import`,
    };
  }
  return {
    ok: false,
    reason: `'${text}' is not a known status (active, trialing, past due, paused, canceled)`,
  };
}

// ---- yes/no flags ------------------------------------------------------------------------------------

const FLAG_WORDS: Record<string, boolean> = {};
for (const w of ["true", "t", "yes", "y", "1", "x", "on", "checked"]) FLAG_WORDS[w] = true;
for (const w of ["false", "f", "no", "n", "0", "off", "unchecked"]) FLAG_WORDS[w] = false;
for (const w of other.FLAG_WORDS.yes) FLAG_WORDS[w] = true;
for (const w of other.FLAG_WORDS.no) FLAG_WORDS[w] = false;

/** A yes/no cell as spreadsheets and exports write it: TRUE/FALSE, yes/no, Y/N, 1/0, x, ja/nein, oui/non. */
export const parseFlag = memo(readFlag);
function readFlag(text: string): TParsed<boolean> {
  const value = FLAG_WORDS[other.foldAccents(text.trim())];
  if (value !== undefined) return { ok: true, value };
  return { ok: false, reason: `'${text}' is not yes or no (true/false, yes/no, y/n, 1/0)` };
}

/** Free text, trimmed; an id keeps its inner spelling exactly. */
export function parseText(text: string): TParsed<string> {
  const t = text.trim();
  return t === "" ? { ok: false, reason: "is empty" } : { ok: true, value: t };
}

// ---- events: timestamps and JSON ------------------------------------------------------------------

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;
const UNIX_TIME = /^\d{9,10}(?:\.\d+)?$|^\d{12,13}$/;

/**
 * A moment as analytics exports write it, to ISO 8601 in UTC with milliseconds: "2024-05-01T14:30:00Z",
 * "2024-05-01T16:30:00+02:00", "2024-05-01 14:30:00.123456" (no offset: UTC, as Amplitude and Mixpanel
 * exports are), Unix seconds ("1714573800", Mixpanel's `time`) or milliseconds ("1714573800000").
 * A date without a time of day is not a moment.
 */
export function parseTimestamp(text: string): TParsed<string> {
  const t = text.trim();
  if (UNIX_TIME.test(t)) {
    const n = Number(t);
    const ms = t.length >= 12 && !t.includes(".") ? n : n * 1000;
    return { ok: true, value: new Date(Math.round(ms)).toISOString() };
  }
  const m = ISO_DATE_TIME.exec(t);
  const bad = {
    ok: false as const,
    reason: `'${text}' is not a date and time (write e.g. 2024-05-01T14:30:00Z, 2024-05-01 14:30:00 for UTC, or Unix seconds)`,
  };
  if (!m) return bad;
  const [, y, mo, d, h, mi, s = "00", fraction = "", zone = "Z"] = m;
  const offset =
    zone.toUpperCase() === "Z" || zone.toUpperCase() === "UTC"
      ? "Z"
      : zone.length === 3
        ? `${zone}:00`
        : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction.padEnd(3, "0").slice(0, 3)}${offset}`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2024-02-30 over to March; a moment must name a real day and time.
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return bad;
  const local = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (local.getUTCDate() !== Number(d)) return bad;
  return { ok: true, value: new Date(ms).toISOString() };
}

/** A JSON object, kept as the text it was written as (checked to be an object, not an array or value). */
export function parseJsonObject(text: string): TParsed<string> {
  const t = text.trim();
  try {
    const value: unknown = JSON.parse(t);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value: t };
  } catch {
    // reported below
  }
  return { ok: false, reason: `'${t.length > 60 ? `${t.slice(0, 60)}…` : t}' is not a JSON object` };
}

import { foldAccents, MONTH_WORDS } from "./languages";
import type { TParsed } from "./values";

/*
 * Dates as people export them, to ISO `YYYY-MM-DD`. The day of a timestamp is the day as written
 * (`2024-03-05T23:30:00-05:00` is 2024-03-05): the file's author saw that day, and converting it to UTC
 * would move start dates across month ends. Numeric dates are `MM/DD/YYYY` or `DD/MM/YYYY`; which one is
 * decided per column (`decideDateOrder`), never per value, so one column is never read two ways.
 * Two-digit years: 00–68 are 20xx, 69–99 are 19xx (POSIX strptime's rule). Month names are English's
 * or those of languages.ts ("5. März 2024", "5 de marzo de 2024").
 */

export type TDateOrder = "mdy" | "dmy";
export type TDateFormat = { order?: TDateOrder; excelSerial?: boolean };

const TIME = String.raw`(?:(?:,?\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?`;
const ISO = new RegExp(`^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})${TIME}$`);
const NUMERIC = new RegExp(`^(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4}|\\d{2})${TIME}$`);
const WEEKDAY = String.raw`(?:[A-Za-z]{3,9}\.?,?\s+)?`;
const MONTH_FIRST = new RegExp(
  `^${WEEKDAY}([A-Za-z]{3,9})\\.?[\\s-]+(\\d{1,2})(?:st|nd|rd|th)?,?[\\s-]+(\\d{4}|\\d{2})${TIME}$`,
);
const DAY_FIRST = new RegExp(
  `^${WEEKDAY}(\\d{1,2})(?:st|nd|rd|th)?[\\s-]+([A-Za-z]{3,9})\\.?,?[\\s-]+(\\d{4}|\\d{2})${TIME}$`,
);
const SERIAL = /^(\d{5})(?:\.\d+)?$/;

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** Other languages' month names (languages.ts), folded: "marz" → 3, "dic" → 12. */
const OTHER_MONTHS = new Map<string, number>(MONTH_WORDS.flatMap((words, i) => words.map((w) => [w, i + 1])));
const HAS_LETTERS = /[A-Za-z\u00c0-\u024f]/;
const DAY_ORDINAL = /\b(\d{1,2})(?:\.|er|o|°)(?=\s)/;
const OF = /\s(?:de|del)\s/g;

/** Excel's serial day 0 is 1899-12-30 (its 1900 leap-year bug shifts every later date by one). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
export const EXCEL_SERIAL_MIN = 20000; // 1954-10-03
export const EXCEL_SERIAL_MAX = 80000; // 2119-01-10
const MS_PER_DAY = 86_400_000;

/**
 * One value as an ISO date. Tries ISO first, then named months, then numeric dates in `order` (default
 * month first), then — only when the column was judged to hold Excel serial days — a serial number.
 */
export function parseDate(text: string, format: TDateFormat = {}): TParsed<string> {
  const t = text.trim();
  if (t === "") return { ok: false, reason: "is empty" };
  let m = ISO.exec(t);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]), t);
  m = MONTH_FIRST.exec(t);
  if (m) return named(m[1] ?? "", m[2] ?? "", m[3] ?? "", t);
  m = DAY_FIRST.exec(t);
  if (m) return named(m[2] ?? "", m[1] ?? "", m[3] ?? "", t);
  m = NUMERIC.exec(t);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    const year = fullYear(m[4] ?? "");
    return format.order === "dmy" ? ymd(year, b, a, t) : ymd(year, a, b, t);
  }
  if (format.excelSerial) {
    m = SERIAL.exec(t);
    if (m) return excelSerialToIso(Number(m[1]));
  }
  // "5. März 2024", "5 de marzo de 2024", "1er janvier 2024": accents, a day's dot or ordinal, "de".
  if (t.length <= 48 && HAS_LETTERS.test(t)) {
    const folded = foldAccents(t).replace(DAY_ORDINAL, "$1").replace(OF, " ");
    m = folded === t ? null : DAY_FIRST.exec(folded);
    if (m) return named(m[2] ?? "", m[1] ?? "", m[3] ?? "", t);
    m = folded === t ? null : MONTH_FIRST.exec(folded);
    if (m) return named(m[1] ?? "", m[2] ?? "", m[3] ?? "", t);
  }
  return { ok: false, reason: `'${text}' is not a date` };
}

function named(monthWord: string, day: string, year: string, text: string): TParsed<string> {
  const month = monthNumber(monthWord);
  if (!month) return { ok: false, reason: `'${text}' is not a date` };
  return ymd(fullYear(year), month, Number(day), text);
}

function monthNumber(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w === "sept") return 9;
  const i = MONTHS.findIndex((name) => name.startsWith(w));
  return w.length >= 3 && i >= 0 ? i + 1 : OTHER_MONTHS.get(foldAccents(w));
}

function fullYear(text: string): number {
  const y = Number(text);
  if (text.length === 4) return y;
  return y <= 68 ? 2000 + y : 1900 + y;
}

function ymd(year: number, month: number, day: number, text: string): TParsed<string> {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: `'${text}' is not a date` };
  }
  if (year < 1900 || year > 2199) return { ok: false, reason: `'${text}' is outside the years 1900–2199` };
  return { ok: true, value: `${year}-${pad(month)}-${pad(day)}` };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An Excel serial day number (45356) as an ISO date (2024-03-05). */
export function excelSerialToIso(serial: number): TParsed<string> {
  if (!Number.isInteger(serial) || serial < EXCEL_SERIAL_MIN || serial > EXCEL_SERIAL_MAX) {
    return {
      ok: false,
      reason: `'${serial}' is not an Excel date serial between ${EXCEL_SERIAL_MIN} and ${EXCEL_SERIAL_MAX}`,
    };
  }
  return { ok: true, value: new Date(EXCEL_EPOCH_MS + serial * MS_PER_DAY).toISOString().slice(0, 10) };
}

/**
 * Whether a column holds Excel serial days: every filled value a number of 5 digits within
 * 20000..80000 (1954..2119). Mixed columns are not serials: a real date column would have other shapes.
 */
export function isExcelSerialColumn(values: readonly string[]): boolean {
  let seen = 0;
  for (const v of values) {
    const t = v.trim();
    if (t === "") continue;
    const m = SERIAL.exec(t);
    const n = Number(m?.[1]);
    if (!m || n < EXCEL_SERIAL_MIN || n > EXCEL_SERIAL_MAX) return false;
    seen++;
  }
  return seen > 0;
}

export type TDateOrderDecision = {
  order: TDateOrder | "ambiguous";
  /** Values whose first part is over 12 (only day-first reads them): 13/02/2024. */
  dmyVotes: number;
  /** Values whose second part is over 12: 02/13/2024. */
  mdyVotes: number;
  /** Numeric values readable both ways with a different result: 03/05/2024. */
  undecided: number;
  /** The first value of each kind, for messages. */
  dmyExample?: string;
  mdyExample?: string;
  undecidedExample?: string;
};

/**
 * Day or month first, from all of a column's values: a single `13/02/2024` proves day first. With votes
 * both ways the majority wins (the minority then fail to parse and are reported); with none the column is
 * ambiguous, and the caller reads it month first and says so.
 */
export function decideDateOrder(values: readonly string[]): TDateOrderDecision {
  const d: TDateOrderDecision = { order: "ambiguous", dmyVotes: 0, mdyVotes: 0, undecided: 0 };
  for (const v of values) {
    const t = v.trim();
    const m = NUMERIC.exec(t);
    if (!m) continue;
    const [a, b] = [Number(m[1]), Number(m[3])];
    if (a > 12 && b <= 12) {
      d.dmyVotes++;
      d.dmyExample ??= t;
    } else if (b > 12 && a <= 12) {
      d.mdyVotes++;
      d.mdyExample ??= t;
    } else if (a !== b && a <= 12 && b <= 12) {
      d.undecided++;
      d.undecidedExample ??= t;
    }
  }
  if (d.dmyVotes > d.mdyVotes) d.order = "dmy";
  else if (d.mdyVotes > d.dmyVotes) d.order = "mdy";
  return d;
}

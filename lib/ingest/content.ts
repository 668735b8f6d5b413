import type { TValueType } from "./fields";
import {
  decideDateOrder,
  isBlank,
  isExcelSerialColumn,
  parseAmount,
  parseCurrency,
  parseDate,
  parseEmail,
  parseFlag,
  parseInteger,
  parseInterval,
  parseJsonObject,
  parsePercent,
  parseStatus,
  parseTimestamp,
} from "./values";

/*
 * What a column's values look like, as the share of its filled sample values each value type reads.
 * Mapping uses it twice: to find fields for columns whose header says nothing, and to doubt a header
 * whose values disagree with it (a "Customer" column of company names is not an id).
 */

export type TContentProfile = {
  /** Filled (non-blank) values looked at. */
  filled: number;
  /** Values looked at, blank ones included. */
  total: number;
  distinct: number;
  /** Share (0..1) of filled values each type reads. */
  rates: Record<TValueType, number>;
  /** Share of values that look like money specifically: a symbol, a code, or exactly two decimals. */
  moneyLike: number;
  /** Share of values written with a `%`. */
  percentSigned: number;
  excelSerial: boolean;
};

const ID_LIKE = /^(?=.*\d)[A-Za-z0-9][\w.:\-/#]{0,63}$/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
const TWO_DECIMALS = /[.,]\d{2}\)?$/;
const CURRENCY_MARK = /[$€£¥₹₩₽₺₪₫฿₱₦₴]|\b[A-Z]{3}\b/;

/** How a column's filled values read as each value type. */
export function profileContent(values: readonly string[]): TContentProfile {
  const filled = values.map((v) => v.trim()).filter((v) => !isBlank(v));
  const n = filled.length;
  const excelSerial = isExcelSerialColumn(filled);
  const order = decideDateOrder(filled).order;
  const dateFormat = { order: order === "ambiguous" ? ("mdy" as const) : order, excelSerial };
  const rate = (test: (v: string) => boolean) => (n ? filled.filter(test).length / n : 0);
  const isDate = (v: string) => parseDate(v, dateFormat).ok;
  const isAmount = (v: string) => parseAmount(v).ok;
  return {
    filled: n,
    total: values.length,
    distinct: new Set(filled).size,
    rates: {
      text: n ? 1 : 0,
      // An id has no spaces and at least one digit, and is not a date or a plain number.
      id: rate((v) => ID_LIKE.test(v) && !PLAIN_NUMBER.test(v) && !isDate(v)),
      email: rate((v) => parseEmail(v).ok),
      date: rate(isDate),
      money: rate(isAmount),
      currency: rate((v) => v.length === 3 && parseCurrency(v).ok),
      // Single letters (M/F, Y/N) read as intervals too easily to count as evidence.
      interval: rate((v) => v.length >= 3 && parseInterval(v).ok),
      integer: rate((v) => parseInteger(v).ok),
      percent: rate((v) => parsePercent(v).ok),
      status: rate((v) => parseStatus(v).ok),
      flag: rate((v) => parseFlag(v).ok),
      timestamp: rate((v) => parseTimestamp(v).ok),
      json: rate((v) => parseJsonObject(v).ok),
    },
    moneyLike: rate((v) => isAmount(v) && (CURRENCY_MARK.test(v) || TWO_DECIMALS.test(v))),
    percentSigned: rate((v) => v.endsWith("%") && parsePercent(v).ok),
    excelSerial,
  };
}

const TYPE_WORDS: Record<TValueType, string> = {
  text: "text",
  id: "ids",
  email: "email addresses",
  date: "dates",
  money: "amounts",
  currency: "currency codes",
  interval: "billing intervals",
  integer: "whole numbers",
  percent: "percentages",
  status: "statuses",
  flag: "yes/no values",
  timestamp: "dates with a time",
  json: "JSON objects",
};

/** "82% of values parse as dates" */
export function describeRate(type: TValueType, rate: number): string {
  return `${Math.round(rate * 100)}% of values are ${TYPE_WORDS[type]}`;
}

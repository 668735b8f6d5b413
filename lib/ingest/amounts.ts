import { parseMoney } from "@/lib/money";
import { foldAccents } from "./languages";
import type { TParsed } from "./values";

/*
 * Money as exports write it, to an exact decimal string ("1234.50") and the currency named beside it.
 * Never a float. `1,234.50` and `1.234,50` and `1 234,50` are all 1234.50; `(12.00)`, `-12.00` and
 * `12.00-` are negative. A lone separator followed by exactly three digits (`1,234`, `1.234`) could be
 * either a thousands separator or a decimal mark: the column decides (`decideDecimalMark`), and when it
 * cannot, `.` is the decimal mark (so `1,234` is 1234 and `1.234` is 1.234) and the preview says so.
 */

export type TDecimalMark = "." | ",";
export type TAmount = {
  /** Exact decimal: optional "-", digits, optional "." and the fraction digits as written. */
  decimal: string;
  /** ISO 4217 code written with the amount (`USD 12`, `12 €`); null for none or an ambiguous `$`. */
  currency: string | null;
  /** The symbol written with the amount, even an ambiguous one (`$`, `kr`). */
  symbol: string | null;
};

export const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** Symbols, longest first so `US$` wins over `$`; null where several currencies share the symbol. */
const SYMBOLS: [string, string | null][] = [
  ["US$", "USD"],
  ["CA$", "CAD"],
  ["AU$", "AUD"],
  ["NZ$", "NZD"],
  ["HK$", "HKD"],
  ["MX$", "MXN"],
  ["CN¥", "CNY"],
  ["JP¥", "JPY"],
  ["R$", "BRL"],
  ["C$", "CAD"],
  ["A$", "AUD"],
  ["S$", "SGD"],
  ["zł", "PLN"],
  ["Kč", "CZK"],
  ["kr", null],
  ["€", "EUR"],
  ["£", "GBP"],
  ["₹", "INR"],
  ["₩", "KRW"],
  ["₽", "RUB"],
  ["₺", "TRY"],
  ["₪", "ILS"],
  ["₫", "VND"],
  ["฿", "THB"],
  ["₱", "PHP"],
  ["₦", "NGN"],
  ["₴", "UAH"],
  ["¥", null],
  ["$", null],
];

/**
 * Currencies written as names, folded (lower case, no accents), in the languages of languages.ts; a name
 * several currencies share ("dollar", "krone", "franc") is left out.
 */
const NAMES: Record<string, string> = {};
for (const [code, names] of [
  ["EUR", ["euro", "euros"]],
  [
    "USD",
    [
      "us dollar",
      "us dollars",
      "u s dollar",
      "dolar estadounidense",
      "dollar americain",
      "dollaro statunitense",
    ],
  ],
  [
    "GBP",
    [
      "pound sterling",
      "british pound",
      "pfund sterling",
      "livre sterling",
      "libra esterlina",
      "pond sterling",
      "sterlina",
    ],
  ],
  [
    "CHF",
    [
      "swiss franc",
      "schweizer franken",
      "franken",
      "franc suisse",
      "franco suizo",
      "zwitserse frank",
      "franco svizzero",
    ],
  ],
  ["BRL", ["real", "reais", "real brasileiro", "brazilian real"]],
  ["PLN", ["zloty", "zlotys", "zlote", "zlotych"]],
  ["JPY", ["yen", "japanese yen"]],
  ["INR", ["rupee", "rupees", "indian rupee"]],
] as const) {
  for (const name of names) NAMES[name] = code;
}

/** A currency symbol, ISO code or name as its ISO code: "€" → EUR, "usd" → USD, "Euro" → EUR; ambiguous `$` is refused. */
export function parseCurrency(text: string): TParsed<string> {
  const t = text.trim();
  const upper = t.toUpperCase();
  if (/^[A-Z]{3}$/.test(upper) && CURRENCY_CODES.has(upper)) return { ok: true, value: upper };
  const code =
    SYMBOLS.find(([symbol]) => symbol === t)?.[1] ??
    NAMES[
      foldAccents(t)
        .replace(/[^a-z]+/g, " ")
        .trim()
    ];
  if (code) return { ok: true, value: code };
  return { ok: false, reason: `'${text}' is not an ISO 4217 currency code` };
}

const CODE_PREFIX = /^([A-Za-z]{3})\s*(?=[-−+(\d.,])/;
const CODE_SUFFIX = /(?<=[\d.)])\s*([A-Za-z]{3})$/;
const PLAIN = /^(-?)(\d+)(?:\.(\d{1,2}|\d{4,}))?$/;
const LEADING_ZEROS = /^0+(?=\d)/;
/** An amount written with a currency's name is short; a long cell is not searched for one. */
const NAMED_MAX = 48;
const NAME_SUFFIX = /(?<=[\d)])\s+([A-Za-z\u00c0-\u024f]{4,})$/;
const NAME_PREFIX = /^([A-Za-z\u00c0-\u024f]{4,})\s+(?=[-−+(\d])/;
const WHOLE_UNITS_DASH = /(\d)[.,][-–—](?!\d)/;
const DIGIT_ENDS = /^\d.*\d$|^\d$/;
const CORE = /^\d[\d.,'\s\u00a0\u202f]*$/;
const GROUP_SEPARATORS = /['\s\u00a0\u202f]/;
const GROUPS_WITH_COMMA = /[,'\s\u00a0\u202f]/;
const GROUPS_WITH_DOT = /[.'\s\u00a0\u202f]/;

type TPieces = { negative: boolean; core: string; currency: string | null; symbol: string | null };

/** Strips sign, brackets, symbol and code around the digits. */
function split(text: string): TPieces | undefined {
  // "49,-" and "49,–" are German and Swiss prices in whole units.
  let s = text.trim().replace(WHOLE_UNITS_DASH, "$1");
  let negative = false;
  let currency: string | null = null;
  let symbol: string | null = null;
  const unsign = () => {
    if (/^\(.*\)$/.test(s)) {
      negative = true;
      s = s.slice(1, -1).trim();
    }
    if (/^[-−]/.test(s)) {
      negative = true;
      s = s.slice(1).trim();
    } else if (s.startsWith("+")) s = s.slice(1).trim();
    if (/[-−]$/.test(s)) {
      negative = true;
      s = s.slice(0, -1).trim();
    }
  };
  unsign();
  const prefix = CODE_PREFIX.exec(s);
  const suffix = prefix ? null : CODE_SUFFIX.exec(s);
  const code = (prefix ?? suffix)?.[1]?.toUpperCase();
  if (code && CURRENCY_CODES.has(code)) {
    currency = code;
    s = prefix ? s.slice(prefix[0].length) : s.slice(0, s.length - (suffix?.[0].length ?? 0));
  }
  for (const [sym, symCode] of DIGIT_ENDS.test(s) ? [] : SYMBOLS) {
    if (s.startsWith(sym)) s = s.slice(sym.length).trim();
    else if (s.endsWith(sym)) s = s.slice(0, -sym.length).trim();
    else continue;
    symbol = sym;
    currency ??= symCode;
    break;
  }
  unsign();
  const digitsOnly = () => CORE.test(s) && /\d$/.test(s);
  if (!digitsOnly() && currency === null && s.length <= NAMED_MAX) {
    // Rarely: "49,00 Euro", "Euro 49,00", a currency's name (NAMES) before or after the digits.
    const named = NAME_SUFFIX.exec(s) ?? NAME_PREFIX.exec(s);
    const byName = named ? NAMES[foldAccents(named[1] ?? "")] : undefined;
    if (named && byName) {
      currency = byName;
      s = named.index === 0 ? s.slice(named[0].length) : s.slice(0, named.index);
      unsign();
    }
  }
  if (!digitsOnly()) return undefined;
  return { negative, core: s, currency, symbol };
}

/** Which mark a value proves to be the decimal one, if any. */
function decimalEvidence(core: string): TDecimalMark | undefined {
  const dot = core.lastIndexOf(".");
  const comma = core.lastIndexOf(",");
  if (dot >= 0 && comma >= 0) return dot > comma ? "." : ",";
  const mark = dot >= 0 ? "." : comma >= 0 ? "," : undefined;
  if (!mark) return undefined;
  const other: TDecimalMark = mark === "." ? "," : ".";
  if (core.indexOf(mark) !== core.lastIndexOf(mark)) return other; // 1,234,567: the mark groups
  if (GROUP_SEPARATORS.test(core)) return mark; // 1 234,5: spaces group, so the mark is decimal
  const [whole = "", fraction = ""] = core.split(mark);
  if (fraction.length !== 3 || /^0+$/.test(whole)) return mark; // 12,5 or 0.125
  return undefined; // 1,234 or 1.234
}

export type TDecimalDecision = {
  decimal: TDecimalMark | "ambiguous";
  dot: number;
  comma: number;
  undecided: number;
};

/** The decimal mark of a money column from the values that prove one (majority wins). */
export function decideDecimalMark(values: readonly string[]): TDecimalDecision {
  const d: TDecimalDecision = { decimal: "ambiguous", dot: 0, comma: 0, undecided: 0 };
  for (const v of values) {
    const pieces = split(v);
    if (!pieces) continue;
    const evidence = decimalEvidence(pieces.core);
    if (evidence === ".") d.dot++;
    else if (evidence === ",") d.comma++;
    else if (/[.,]/.test(pieces.core)) d.undecided++;
  }
  if (d.dot > d.comma) d.decimal = ".";
  else if (d.comma > d.dot) d.decimal = ",";
  return d;
}

/** One amount. `decimal` is the column's decimal mark; without it a lone `1,234` reads as 1234. */
export function parseAmount(text: string, decimal?: TDecimalMark): TParsed<TAmount> {
  const plain = PLAIN.exec(text);
  if (plain) {
    // The common case, no symbol and no grouping: a fraction of other than 3 digits is unambiguous.
    const [, sign, whole = "", fraction] = plain;
    const value = `${whole.replace(LEADING_ZEROS, "")}${fraction === undefined ? "" : `.${fraction}`}`;
    return {
      ok: true,
      value: { decimal: sign && /[1-9]/.test(value) ? `-${value}` : value, currency: null, symbol: null },
    };
  }
  if (text.trim() === "") return { ok: false, reason: "is empty" };
  const pieces = split(text);
  if (!pieces) return { ok: false, reason: `'${text}' is not an amount` };
  const mark = decimalEvidence(pieces.core) ?? decimal ?? ".";
  const [whole = "", fraction, extra] = pieces.core.split(mark);
  if (extra !== undefined || (fraction !== undefined && !/^\d+$/.test(fraction))) {
    return { ok: false, reason: `'${text}' is not an amount` };
  }
  const groups = whole.split(mark === "." ? GROUPS_WITH_COMMA : GROUPS_WITH_DOT);
  if (groups.length > 1 && !validGrouping(groups)) {
    return { ok: false, reason: `'${text}' has misplaced thousands separators` };
  }
  const digits = groups.join("").replace(/^0+(?=\d)/, "");
  const value = fraction === undefined ? digits : `${digits}.${fraction}`;
  const zero = /^[0.]+$/.test(value);
  return {
    ok: true,
    value: {
      decimal: pieces.negative && !zero ? `-${value}` : value,
      currency: pieces.currency,
      symbol: pieces.symbol,
    },
  };
}

/** 1,234,567 or the Indian 12,34,567: a first group of 1–3 digits, then 2s, a last group of 3. */
function validGrouping(groups: string[]): boolean {
  const [first = "", ...rest] = groups;
  if (!/^\d{1,3}$/.test(first)) return false;
  return rest.every((g, i) => (i === rest.length - 1 ? /^\d{3}$/.test(g) : /^\d{2,3}$/.test(g)));
}

/**
 * An exact decimal in minor units of `currency` (via lib/money's `parseMoney`): "-12.5" USD → -1250.
 * More decimals than the currency has is an error, not a rounding.
 */
export function toMinorUnits(decimal: string, currency: string): TParsed<number> {
  const negative = decimal.startsWith("-");
  const parsed = parseMoney(negative ? decimal.slice(1) : decimal, currency);
  if (!parsed.ok) return { ok: false, reason: parsed.message };
  return { ok: true, value: negative ? -parsed.minor : parsed.minor };
}

/** Compares two exact decimals (as produced above) without floats. */
export function compareDecimal(a: string, b: string): number {
  const [na, nb] = [a.startsWith("-"), b.startsWith("-")];
  if (na !== nb) return na ? -1 : 1;
  const sign = na ? -1 : 1;
  const [wa = "", fa = ""] = (na ? a.slice(1) : a).split(".");
  const [wb = "", fb = ""] = (nb ? b.slice(1) : b).split(".");
  if (wa.length !== wb.length) return sign * (wa.length - wb.length);
  const width = Math.max(fa.length, fb.length);
  const x = wa + fa.padEnd(width, "0");
  const y = wb + fb.padEnd(width, "0");
  return x === y ? 0 : sign * (x < y ? -1 : 1);
}

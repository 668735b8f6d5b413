import { z } from "zod";
import { ITEM_STATUSES } from "@/db/schema/subscription-items";
import { countryCode } from "./country";
import { type KINDS, kindDef, type TKind, type TValueType } from "./fields";
import type { TMappedColumn } from "./formats";
import {
  intervalOf,
  isBlank,
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
  parseText,
  parseTimestamp,
  type TInterval,
  type TParsed,
  type TStatus,
} from "./values";

/*
 * One CSV record → one canonical row of a kind, or the reasons it cannot be one. The import job calls
 * this for every row, so everything that can be prepared is prepared once per mapping (the column
 * parsers) or once per kind (the zod schema), and a row costs one parser call per mapped cell and one
 * schema check.
 *
 * Combinations: `interval` already includes `interval_count` (quarterly × 2 = 6 months), so the importer
 * reads only `interval`. A row's currency is the currency column's, else the one written with its amount
 * ("€12"), else `options.defaultCurrency`; a currency column that disagrees with the amount's is an error.
 */

type TValueOf = {
  text: string;
  id: string;
  email: string;
  date: string;
  money: string;
  currency: string;
  interval: TInterval;
  integer: number;
  percent: string;
  status: TStatus;
  flag: boolean;
  timestamp: string;
  json: string;
};

export type TCanonicalRow<K extends TKind = TKind> = {
  [F in (typeof KINDS)[K]["fields"][number] as F["key"]]: TValueOf[F["type"]] | null;
};

export type TRowError = {
  /** 1-based line of the file the record starts on. */
  line: number;
  /** The header of the column, or null when the field is not mapped. */
  column: string | null;
  field: string;
  value: string | null;
  message: string;
  /** "parse": the cell is unreadable; "rule": the row breaks a rule (a required field empty, end before start). */
  code: "parse" | "rule";
};
export type TNormalised<K extends TKind = TKind> =
  | { ok: true; row: TCanonicalRow<K> }
  /** `row`: the values that did parse (a rejected row's id still tells which subscription it is). */
  | { ok: false; errors: TRowError[]; row: Record<string, unknown> };
export type TNormaliseOptions = { defaultCurrency?: string | null };

/** "row 14, column 'Start Date': '31/31/2024' is not a date" */
export function describeRowError(e: TRowError): string {
  return `row ${e.line}${e.column === null ? "" : `, column '${e.column.trim()}'`}: ${e.message}`;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const NON_NEGATIVE = /^\d+(\.\d+)?$/;
const ZValue: Record<TValueType, z.ZodType> = {
  text: z.string().max(500, "is longer than 500 characters"),
  id: z.string().max(300, "is longer than 300 characters"),
  email: z.string().max(320, "is longer than 320 characters"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  money: z.string().regex(DECIMAL).regex(NON_NEGATIVE, "cannot be negative"),
  currency: z.string().length(3),
  interval: z.object({
    unit: z.enum(["day", "week", "month", "year"]),
    count: z.number().int().min(1).max(120),
  }),
  // Quantities and interval counts are stored as 4-byte integers.
  integer: z.number().int().min(0, "cannot be negative").max(2_147_483_647, "is more than 2,147,483,647"),
  percent: z
    .string()
    .regex(NON_NEGATIVE, "cannot be negative")
    .refine((p) => Number(p) <= 100, "is more than 100%"),
  status: z.enum(ITEM_STATUSES),
  flag: z.boolean(),
  timestamp: z.string(),
  // The events' own schema (lib/events/event.ts) limits properties to 8 KB when the row is imported.
  json: z.string().max(64 * 1024, "is longer than 64 KB"),
};

/**
 * The row schema of one mapping, built once per mapping (never per row): the mapped fields, nullable and
 * typed, and an end never before the start. Unmapped fields are always null and need no check.
 */
function rowSchema(kind: TKind, mapped: ReadonlySet<string>): z.ZodType {
  const fields = kindDef(kind).fields.filter((f) => mapped.has(f.key));
  const shape = Object.fromEntries(fields.map((f) => [f.key, ZValue[f.type].nullable()]));
  return z.object(shape).superRefine((row, ctx) => {
    const start = row.start_date;
    const end = row.end_date;
    if (typeof start === "string" && typeof end === "string" && end < start) {
      ctx.addIssue({
        code: "custom",
        path: ["end_date"],
        message: `ends (${end}) before it starts (${start})`,
      });
    }
  });
}

type TRowCheck = {
  alternatives: readonly (readonly string[])[];
  field: string;
  column: string | null;
  message: string;
};

/**
 * The kind's requirements as row checks, limited to the alternatives the mapping has: a requirement the
 * mapping cannot meet is the mapping's problem (validateMapping), not every row's.
 */
function rowChecks(kind: TKind, headerOf: ReadonlyMap<string, string>): TRowCheck[] {
  return kindDef(kind).requirements.flatMap((r) => {
    const alternatives = r.oneOf.filter((all) => all.every((f) => headerOf.has(f)));
    const first = alternatives[0]?.[0];
    if (!first) return [];
    const fields = alternatives.flat();
    const words = alternatives.map((all) => all.map((f) => f.replace(/_/g, " ")).join(" and "));
    return [
      {
        alternatives,
        field: first,
        column: fields.length === 1 ? (headerOf.get(first) ?? null) : null,
        message: fields.length === 1 ? "is empty" : `has no ${words.join(", nor ")}`,
      },
    ];
  });
}

type TColumnPlan = {
  index: number;
  header: string;
  field: string;
  parse: (text: string) => TParsed<unknown>;
};
type TAmountMeta = { currency: string | null; field: string; header: string };
export type TRowNormaliser<K extends TKind> = (record: readonly string[], line: number) => TNormalised<K>;

/** The per-row function for one mapping: parsers chosen and configured once. */
/** A country as its ISO code where the text names one ("Germany" → DE): the preview shows what is stored. */
function countryParser(parse: (text: string) => TParsed<unknown>): (text: string) => TParsed<unknown> {
  return (text) => {
    const parsed = parse(text);
    return parsed.ok && typeof parsed.value === "string"
      ? { ok: true, value: countryCode(parsed.value) }
      : parsed;
  };
}

export function createRowNormaliser<K extends TKind>(
  kind: K,
  mapping: readonly TMappedColumn[],
  options: TNormaliseOptions = {},
): TRowNormaliser<K> {
  const def = kindDef(kind);
  const headerOf = new Map<string, string>();
  const plans: TColumnPlan[] = [];
  for (const column of mapping) {
    const field = def.fields.find((f) => f.key === column.field);
    if (!field) continue;
    headerOf.set(field.key, column.header);
    plans.push({
      index: column.index,
      header: column.header,
      field: field.key,
      parse:
        field.key === "country"
          ? countryParser(columnParser(field.type, column))
          : columnParser(field.type, column),
    });
  }
  const checks = rowChecks(kind, headerOf);
  const schema = rowSchema(kind, new Set(headerOf.keys()));
  const blank = Object.fromEntries(def.fields.map((f) => [f.key, null])) as Record<string, unknown>;
  const defaultCurrency = options.defaultCurrency ? options.defaultCurrency.toUpperCase() : null;

  return (record, line) => {
    const row: Record<string, unknown> = { ...blank };
    const errors: TRowError[] = [];
    const amounts: TAmountMeta[] = [];
    for (const p of plans) {
      const raw = record[p.index] ?? "";
      if (isBlank(raw)) continue;
      const parsed = p.parse(raw);
      if (!parsed.ok) {
        errors.push({
          line,
          column: p.header,
          field: p.field,
          value: raw,
          message: parsed.reason,
          code: "parse",
        });
        continue;
      }
      const value = parsed.value;
      if (value !== null && typeof value === "object" && "decimal" in value) {
        const amount = value as { decimal: string; currency: string | null };
        row[p.field] = amount.decimal;
        amounts.push({ currency: amount.currency, field: p.field, header: p.header });
      } else row[p.field] = value;
    }
    combine({ row, amounts, defaultCurrency, headerOf, errors, line });
    if (errors.length === 0) {
      const result = schema.safeParse(row);
      for (const issue of result.error?.issues ?? []) {
        const field = String(issue.path[0] ?? "");
        const column = headerOf.get(field) ?? null;
        const value =
          column === null ? null : (record[plans.find((p) => p.field === field)?.index ?? -1] ?? null);
        errors.push({ line, column, field, value, message: issue.message, code: "rule" });
      }
    }
    for (const c of checks) {
      if (c.alternatives.some((all) => all.every((f) => row[f] != null))) continue;
      const failed = errors.some((e) => c.alternatives.some((all) => all.includes(e.field)));
      if (!failed)
        errors.push({
          line,
          column: c.column,
          field: c.field,
          value: null,
          message: c.message,
          code: "rule",
        });
    }
    if (errors.length) return { ok: false, errors, row };
    // The schema only checks: every value is already in its canonical form.
    return { ok: true, row: row as TCanonicalRow<K> };
  };
}

/** interval × interval_count; the row's currency from its column, its amounts or the default. */
function combine({
  row,
  amounts,
  defaultCurrency,
  headerOf,
  errors,
  line,
}: {
  row: Record<string, unknown>;
  amounts: TAmountMeta[];
  defaultCurrency: string | null;
  headerOf: Map<string, string>;
  errors: TRowError[];
  line: number;
}) {
  const interval = row.interval as TInterval | null | undefined;
  const times = row.interval_count as number | null | undefined;
  if (interval && typeof times === "number") {
    const combined = intervalOf(interval.unit, interval.count * times);
    if (combined.ok) {
      row.interval = combined.value;
      row.interval_count = combined.value.count;
    } else {
      errors.push({
        line,
        column: headerOf.get("interval_count") ?? null,
        field: "interval_count",
        value: String(times),
        message: combined.reason,
        code: "parse",
      });
    }
  } else if (interval && "interval_count" in row) row.interval_count = interval.count;
  if (!("currency" in row)) return;
  for (const a of amounts) {
    if (a.currency === null) continue;
    if (row.currency === null) row.currency = a.currency;
    else if (row.currency !== a.currency) {
      errors.push({
        line,
        column: a.header,
        field: a.field,
        value: null,
        message: `is in ${a.currency} but the row's currency is ${row.currency}`,
        code: "rule",
      });
    }
  }
  if (row.currency === null && amounts.length > 0) row.currency = defaultCurrency;
}

/** The parser of one column's cells, configured with the column's format. */
export function columnParser(type: TValueType, column: TMappedColumn): (text: string) => TParsed<unknown> {
  const f = column.format ?? {};
  switch (type) {
    case "date": {
      const format = { order: f.dateOrder ?? "mdy", excelSerial: f.excelSerial ?? false } as const;
      return (t) => parseDate(t, format);
    }
    case "money":
      return (t) => parseAmount(t, f.decimal);
    case "percent": {
      const scale = f.percentScale ?? "points";
      return (t) => parsePercent(t, scale);
    }
    case "email":
      return parseEmail;
    case "currency":
      return parseCurrency;
    case "interval":
      return parseInterval;
    case "integer":
      return parseInteger;
    case "status":
      return parseStatus;
    case "flag":
      return parseFlag;
    case "timestamp":
      return parseTimestamp;
    case "json":
      return parseJsonObject;
    default:
      return parseText;
  }
}

const CACHE = new WeakMap<readonly TMappedColumn[], Map<string, TRowNormaliser<TKind>>>();

/**
 * One row, for callers that hold a mapping rather than a normaliser: the normaliser is cached per
 * mapping array (and kind and options), so calling this in a loop with the same mapping stays fast.
 */
export function normaliseRow<K extends TKind>(
  kind: K,
  mapping: readonly TMappedColumn[],
  options: TNormaliseOptions,
  record: readonly string[],
  lineNumber: number,
): TNormalised<K> {
  let byKey = CACHE.get(mapping);
  if (!byKey) {
    byKey = new Map();
    CACHE.set(mapping, byKey);
  }
  const key = `${kind}\u0000${options.defaultCurrency ?? ""}`;
  let normaliser = byKey.get(key);
  if (!normaliser) {
    normaliser = createRowNormaliser(kind, mapping, options) as TRowNormaliser<TKind>;
    byKey.set(key, normaliser);
  }
  return normaliser(record, lineNumber) as TNormalised<K>;
}

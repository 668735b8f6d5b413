import { detectDialect, scan, type TDelimiter } from "./dialect";
import { decodeBytes, detectEncoding, ENCODING_SAMPLE_BYTES, type TEncoding } from "./encoding";
import { KINDS, type TKind, type TValueType } from "./fields";
import { decideFormats, type TColumnFormat, type TFormatChoices } from "./formats";
import { applyOverrides, detectKind, suggestMapping, type TColumnSuggestion } from "./mapping";
import {
  profileRecords,
  type TAmountsIn,
  type TColumnStats,
  type TImportCheck,
  type TProblem,
  type TSampleRow,
} from "./profile";
import type { TDateOrder, TDecimalMark } from "./values";

/*
 * The preview of an uploaded CSV (POST /api/v1/uploads/preview): encoding → dialect → records → kind →
 * mapping (the user's choices win) → column formats → profile, as one serialisable object. The mapping
 * it returns, formats included, is what the import job hands to `normaliseRow` for every row, so the
 * whole file is read the way the preview showed. Pure: bytes in, object out.
 *
 * The sample's records come from dialect.ts's quote-aware tokenizer, not csv-parse: csv-parse is not a
 * dependency yet, and the tokenizer gives each record the line it starts on (csv-parse's `info.lines` is
 * the line a record ends on). The streaming import parses with csv-parse using the dialect found here.
 */

export type { TCanonicalRow, TNormalised, TNormaliseOptions, TRowError } from "./normalise";
export { createRowNormaliser, describeRowError, normaliseRow } from "./normalise";

export type TPreviewOptions = {
  kind?: TKind;
  /** Field per column: header (or "#3" for the third column) → canonical field, or null to leave it out. */
  mapping?: Readonly<Record<string, string | null>>;
  dateOrder?: TDateOrder;
  decimal?: TDecimalMark;
  delimiter?: TDelimiter;
  defaultCurrency?: string;
  /** Amounts in currency units or in cents; unset: cents for Baremetrics' template, else units. */
  amountsIn?: TAmountsIn;
  /** Data rows to read (default 1,000). */
  maxRows?: number;
  /** False when `bytes` is only the start of the file: the last, possibly cut, line is left out. */
  complete?: boolean;
  /** The import's own rules beyond the file (lib/uploads/plan.ts passes the org's exchange rates). */
  check?: TImportCheck;
  /** Called with each row that fails the mapping's parsing and rules: the values that did parse. */
  rejected?: (row: Record<string, unknown>) => void;
  /** How an earlier import of the same columns read them, for what this file cannot decide (formats.ts). */
  formatHints?: TFormatChoices["hints"];
  formatHintSource?: string;
};

export type TPreviewColumn = TColumnSuggestion & { format?: TColumnFormat };

export type TPreview =
  | {
      ok: true;
      encoding: { name: TEncoding; bom: boolean };
      delimiter: TDelimiter;
      delimiterConfidence: number;
      /** 1-based line of the header; 0 when the file has none (columns are then "Column 1", ...). */
      headerLine: number;
      kind: TKind;
      kindConfidence: number;
      kindReason: string;
      amountsIn: TAmountsIn;
      headers: string[];
      mapping: TPreviewColumn[];
      /** The kind's fields, for the mapping dropdowns. */
      fields: { key: string; label: string; type: TValueType }[];
      sample: TSampleRow[];
      columns: TColumnStats[];
      problems: TProblem[];
      rowsSampled: number;
      rowsWithErrors: number;
      /** More rows follow the ones sampled. */
      truncated: boolean;
      /** No error that stops the import: required fields mapped, no field mapped twice. */
      canImport: boolean;
    }
  | { ok: false; error: { code: "empty" | "binary" | "no_rows"; message: string } };

const DEFAULT_MAX_ROWS = 1000;
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const BLOCKING = new Set(["missing_required", "duplicate_mapping", "unknown_field"]);

export function previewCsv(bytes: Uint8Array, options: TPreviewOptions = {}): TPreview {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (bytes.length === 0) return fail("empty", "The file is empty.");
  const encoding = detectEncoding(bytes.subarray(0, ENCODING_SAMPLE_BYTES));
  if (encoding.binary) {
    const zip = ZIP.every((b, i) => bytes[i] === b);
    return fail(
      "binary",
      zip
        ? "This is a spreadsheet workbook or a zip archive, not a CSV file: save it as CSV and upload that."
        : "This file holds binary data, not CSV text.",
    );
  }
  let text = decodeBytes(bytes, encoding.encoding);
  if (options.complete === false) text = text.slice(0, text.lastIndexOf("\n") + 1);
  if (text.trim() === "") return fail("empty", "The file is empty.");

  const dialect = detectDialect(text, options.delimiter);
  const headerIndex = dialect.header.index;
  const scanned = scan(text, dialect.delimiter, headerIndex + 1 + maxRows + 1);
  const all = scanned.records;
  const headerRecord = dialect.header.found ? all[headerIndex] : undefined;
  const dataStart = headerRecord ? headerIndex + 1 : headerIndex;
  const data = all.slice(dataStart, dataStart + maxRows);
  if (data.length === 0) {
    return fail(
      "no_rows",
      headerRecord ? "The file has a header row but no data rows." : "The file has no rows.",
    );
  }
  // Columns beyond the header are offered only when most rows have them (a column the header forgot to
  // name); a few long rows are an unquoted comma's doing, and their extra values are not a column.
  const headerWidth = headerRecord?.fields.length ?? 0;
  const longRows = data.filter((r) => r.fields.length > headerWidth && !isTail(r, headerWidth)).length;
  const width =
    headerRecord && longRows * 2 < data.length
      ? headerWidth
      : Math.max(headerWidth, ...data.map((r) => r.fields.length));
  const headers = Array.from({ length: width }, (_, i) => {
    const h = headerRecord?.fields[i]?.trim();
    return h ? h : `Column ${i + 1}`;
  });
  const rows = data.map((r) => r.fields);

  const detected = options.kind
    ? { kind: options.kind, confidence: 1, reason: "chosen by you" }
    : detectKind(headers, rows);
  const kind = detected.kind;
  const suggested = suggestMapping(kind, headers, rows);
  const overridden = options.mapping
    ? applyOverrides(suggested, options.mapping)
    : { mapping: suggested, unmatched: [] };
  const { mapping, warnings } = decideFormats(kind, overridden.mapping, rows, {
    dateOrder: options.dateOrder,
    decimal: options.decimal,
    hints: options.formatHints,
    hintSource: options.formatHintSource,
  });
  const amountsIn =
    options.amountsIn ?? (kind === "subscriptions" && isBaremetricsTemplate(mapping) ? "minor" : "units");
  if (amountsIn === "minor" && !options.amountsIn) {
    warnings.push({
      code: "amounts_in_minor_units",
      column: mapping.find((m) => m.field === "amount")?.header ?? "",
      message:
        "amounts are read as cents (5000 = 50.00), as Baremetrics' import template writes plan_amount — choose 'in currency units' if that's wrong",
    });
  }
  const check = options.check;
  const profile = profileRecords({
    kind,
    headers,
    mapping,
    records: data,
    options: { defaultCurrency: options.defaultCurrency ?? null },
    warnings,
    check: check && ((row, line, context) => check(row, line, { ...context, amountsIn })),
    rejected: options.rejected,
  });
  const problems = [
    ...structureProblems(data, headerRecord?.fields.length ?? width, scanned.openQuoteLine),
    ...overridden.unmatched.map(
      (key): TProblem => ({
        code: "unknown_field",
        severity: "error",
        message: `Your mapping names a column '${key}' that the file does not have.`,
      }),
    ),
    ...profile.problems,
  ];
  return {
    ok: true,
    encoding: { name: encoding.encoding, bom: encoding.bom },
    delimiter: dialect.delimiter,
    delimiterConfidence: Math.round(dialect.confidence * 100) / 100,
    headerLine: headerRecord ? headerRecord.line : 0,
    kind,
    kindConfidence: detected.confidence,
    kindReason: detected.reason,
    amountsIn,
    headers,
    mapping,
    fields: KINDS[kind].fields.map((f) => ({ key: f.key, label: f.label, type: f.type })),
    sample: profile.sample,
    columns: profile.columns,
    problems,
    rowsSampled: data.length,
    rowsWithErrors: profile.rowsWithErrors,
    truncated: all.length > dataStart + maxRows || !scanned.complete || options.complete === false,
    canImport: !problems.some((p) => BLOCKING.has(p.code)),
  };
}

/**
 * Baremetrics' manual import template (plan_oid, plan_amount, customer_oid, subscription_oid, …) writes
 * plan_amount in cents ("$50.00 = 5000", its guide says); no other export Meridian knows does.
 */
function isBaremetricsTemplate(mapping: readonly { header: string; field: string | null }[]): boolean {
  const headers = new Set(mapping.map((m) => m.header.trim().toLowerCase()));
  const amount = mapping
    .find((m) => m.field === "amount")
    ?.header.trim()
    .toLowerCase();
  return amount === "plan_amount" && headers.has("plan_oid") && headers.has("subscription_oid");
}

function fail(code: "empty" | "binary" | "no_rows", message: string): TPreview {
  return { ok: false, error: { code, message } };
}

/** Rows whose field count differs from the header's, and a quote never closed. */
function structureProblems(
  data: readonly { fields: readonly string[]; line: number }[],
  expected: number,
  openQuoteLine: number | undefined,
): TProblem[] {
  const problems: TProblem[] = [];
  if (openQuoteLine !== undefined) {
    problems.push({
      code: "csv_error",
      severity: "error",
      message: `row ${openQuoteLine}: a quoted value is never closed, so the rest of the file reads as one value`,
      line: openQuoteLine,
    });
  }
  const rows = (lines: number[]) =>
    `row${lines.length === 1 ? "" : "s"} ${lines.slice(0, 10).join(", ")}${lines.length > 10 ? ", …" : ""}`;
  const longer = data.filter((r) => r.fields.length > expected && !isTail(r, expected)).map((r) => r.line);
  if (longer.length) {
    problems.push({
      code: "csv_error",
      severity: "warning",
      message:
        `${longer.length} row${longer.length === 1 ? " has" : "s have"} more values than the header's ${expected} columns (${rows(longer)}): ` +
        "usually a value with a comma that is not in quotes (1,000.00 or Smith, John), which splits in two and moves " +
        "the values after it into the wrong columns. Put such values in quotes; as the file is, the extra values are ignored",
      lines: longer,
    });
  }
  const shorter = data.filter((r) => r.fields.length < expected).map((r) => r.line);
  if (shorter.length) {
    problems.push({
      code: "csv_error",
      severity: "warning",
      message: `${shorter.length} row${shorter.length === 1 ? " has" : "s have"} fewer values than the header's ${expected} columns (${rows(shorter)}); the missing values are read as empty`,
      lines: shorter,
    });
  }
  return problems;
}

/** Extra fields that are all empty (a trailing delimiter) are not worth a warning. */
function isTail(r: { fields: readonly string[] }, expected: number): boolean {
  return r.fields.slice(expected).every((f) => f.trim() === "");
}

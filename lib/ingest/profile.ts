import { compareDecimal } from "./amounts";
import { fieldDef, ITEM_KEY_FIELDS, kindDef, type TKind, type TValueType } from "./fields";
import { columnOfField, type TFormatWarning, type TMappedColumn } from "./formats";
import { validateMapping } from "./mapping";
import {
  columnParser,
  createRowNormaliser,
  describeRowError,
  type TCanonicalRow,
  type TNormaliseOptions,
  type TRowError,
} from "./normalise";
import { isBlank } from "./values";

/*
 * What the preview shows before anything is written: the first normalised rows, per-column statistics
 * and the problems a person should see — unreadable values with their line numbers, duplicate ids,
 * missing required columns, formats the data could not decide. Computed from the sample the caller
 * passes (the first ~1,000 rows), never the whole file.
 */

export type TRecord = { fields: readonly string[]; line: number };

/**
 * Rules the import applies after normalising that need more than the file (the org's exchange rates,
 * say): run on every sampled row that normalised, so the preview flags what the import would reject.
 */
export type TImportCheck = (
  row: TCanonicalRow,
  line: number,
  context: { kind: TKind; headerOf: (field: string) => string | null; amountsIn?: TAmountsIn },
) => { errors: TRowError[]; mrr: TRowMrr | null };

/** How the file writes amounts: in currency units (49.00) or in minor units, cents (4900). */
export type TAmountsIn = "units" | "minor";

/** A subscription row's MRR (MRR-1) as the import would store it: minor units of the reporting currency. */
export type TRowMrr = { minor: number; currency: string };

export type TSampleRow = {
  line: number;
  raw: readonly string[];
  row: TCanonicalRow | null;
  errors: TRowError[];
  /** Set when an import check ran and the row would be imported as a subscription item. */
  mrr?: TRowMrr | null;
};

export type TColumnStats = {
  index: number;
  header: string;
  field: string | null;
  /** Share of rows with a value, 0..1 (two decimals). */
  filled: number;
  distinct: number;
  /** Smallest and largest parsed value, for dates (ISO), amounts, percentages and whole numbers. */
  min: string | null;
  max: string | null;
  parseFailures: number;
};

export type TProblemCode =
  | "unparseable"
  | "invalid_row"
  | "duplicate_id"
  | "duplicate_row"
  | "missing_required"
  | "duplicate_mapping"
  | "unknown_field"
  | TFormatWarning["code"]
  | "csv_error"
  | "mrr_not_used"
  | "more_problems";

export type TProblem = {
  code: TProblemCode;
  severity: "error" | "warning";
  message: string;
  line?: number;
  lines?: number[];
  column?: string;
  value?: string;
};

export type TProfile = {
  sample: TSampleRow[];
  columns: TColumnStats[];
  problems: TProblem[];
  rowsChecked: number;
  rowsWithErrors: number;
};

const SAMPLE_ROWS = 20;
/** Row-level problems listed one by one; the rest are counted in one line. */
const MAX_ROW_PROBLEMS = 100;
const ORDERED: ReadonlySet<TValueType> = new Set(["date", "money", "percent", "integer"]);

export function profileRecords({
  kind,
  headers,
  mapping,
  records,
  options = {},
  warnings = [],
  check,
  rejected,
}: {
  kind: TKind;
  headers: readonly string[];
  mapping: readonly TMappedColumn[];
  records: readonly TRecord[];
  options?: TNormaliseOptions;
  warnings?: readonly TFormatWarning[];
  check?: TImportCheck;
  /** Called with each row the mapping rejects: the values that did parse (TNormalised). */
  rejected?: (row: Record<string, unknown>) => void;
}): TProfile {
  const problems: TProblem[] = mappingProblems(kind, mapping);
  for (const w of warnings)
    problems.push({ code: w.code, severity: "warning", message: w.message, column: w.column });
  const normalise = createRowNormaliser(kind, mapping, options);
  const context = { kind, headerOf: columnOfField(mapping) };
  const sample: TSampleRow[] = [];
  const rowProblems: TProblem[] = [];
  let rowsWithErrors = 0;
  for (const record of records) {
    const result = normalise(record.fields, record.line);
    if (!result.ok) rejected?.(result.row);
    const checked = result.ok && check ? check(result.row, record.line, context) : null;
    const errors = result.ok ? (checked?.errors ?? []) : result.errors;
    if (sample.length < SAMPLE_ROWS) {
      const row = result.ok ? result.row : null;
      sample.push({
        line: record.line,
        raw: record.fields,
        row,
        errors,
        ...(checked ? { mrr: checked.mrr } : {}),
      });
    }
    if (errors.length) rowsWithErrors++;
    for (const e of errors) {
      rowProblems.push({
        code: e.code === "parse" ? "unparseable" : "invalid_row",
        severity: "error",
        message: describeRowError(e),
        line: e.line,
        ...(e.column === null ? {} : { column: e.column }),
        ...(e.value === null ? {} : { value: e.value }),
      });
    }
  }
  problems.push(...rowProblems.slice(0, MAX_ROW_PROBLEMS));
  if (rowProblems.length > MAX_ROW_PROBLEMS) {
    problems.push({
      code: "more_problems",
      severity: "error",
      message: `${rowProblems.length - MAX_ROW_PROBLEMS} more problems in the sample are not listed`,
    });
  }
  problems.push(...duplicates(kind, mapping, records));
  return {
    sample,
    columns: headers.map((header, index) => columnStats(kind, { index, header, mapping, records })),
    problems,
    rowsChecked: records.length,
    rowsWithErrors,
  };
}

function mappingProblems(kind: TKind, mapping: readonly TMappedColumn[]): TProblem[] {
  const problems: TProblem[] = validateMapping(kind, mapping).map((issue) => ({
    code:
      issue.code === "missing"
        ? "missing_required"
        : issue.code === "duplicate"
          ? "duplicate_mapping"
          : "unknown_field",
    severity: "error",
    message: issue.message,
  }));
  // A row with an amount and its interval has its MRR computed (MRR-1); the file's MRR is then unused.
  const column = (field: string) => mapping.find((m) => m.field === field)?.header;
  const [amount, interval, mrr] = [column("amount"), column("interval"), column("mrr")];
  if (kind === "subscriptions" && amount && interval && mrr) {
    problems.push({
      code: "mrr_not_used",
      severity: "warning",
      column: mrr,
      message: `column '${mrr}' (MRR) is used only on rows without an amount and interval: the others' MRR is computed from '${amount}' and '${interval}'. Leave one of them out if they disagree`,
    });
  }
  return problems;
}

/** Repeated row ids (an id on two rows would import as one) and rows repeated exactly. */
function duplicates(kind: TKind, mapping: readonly TMappedColumn[], records: readonly TRecord[]): TProblem[] {
  const problems: TProblem[] = [];
  // A row's id is its item id where a subscriptions file has one (listedItemKey), else the kind's row id.
  const idFields: readonly string[] = kind === "subscriptions" ? ITEM_KEY_FIELDS : [kindDef(kind).rowId];
  const idColumns = idFields.flatMap((field) => {
    const column = mapping.find((m) => m.field === field);
    return column ? [{ field, column }] : [];
  });
  const idOf = (r: TRecord) => {
    for (const id of idColumns) {
      const value = (r.fields[id.column.index] ?? "").trim();
      if (!isBlank(value)) return { ...id, value };
    }
    return null;
  };
  // Rows of one subscription with different plans or amounts are likely its items (a base plan, an add-on).
  const termColumns = ["plan", "amount", "mrr"].flatMap((field) => {
    const column = mapping.find((m) => m.field === field);
    return column ? [column.index] : [];
  });
  const byLine = new Map(records.map((r) => [r.line, r]));
  const differ = (lines: readonly number[]) =>
    new Set(lines.map((line) => JSON.stringify(termColumns.map((i) => byLine.get(line)?.fields[i]?.trim()))))
      .size > 1;
  if (idColumns.length > 0) {
    const ids = groupLines(records, (r) => {
      const id = idOf(r);
      return id ? `${id.field}\u0000${id.value}` : "";
    });
    for (const [key, lines] of ids) {
      const [field = "", value = ""] = key.split("\u0000");
      const column = idColumns.find((id) => id.field === field)?.column;
      const hint =
        field === "subscription_id" && !idColumns.some((id) => id.field === "item_id") && differ(lines)
          ? ": its rows name different plans or amounts; if the file has a row per subscription item, map the item's id column as the subscription item id"
          : "";
      problems.push({
        code: "duplicate_id",
        severity: "error",
        message: `${field.replace(/_/g, " ")} '${value}' appears on rows ${lines.join(", ")}${hint}`,
        lines,
        ...(column ? { column: column.header } : {}),
        value,
      });
    }
  }
  for (const [, lines] of groupLines(records, (r) => JSON.stringify(r.fields))) {
    problems.push({
      code: "duplicate_row",
      severity: "warning",
      message: `rows ${lines.join(", ")} are identical; they will be imported once`,
      lines,
    });
  }
  return problems;
}

function groupLines(records: readonly TRecord[], key: (r: TRecord) => string): [string, number[]][] {
  const seen = new Map<string, number[]>();
  for (const r of records) {
    const k = key(r);
    if (isBlank(k)) continue;
    const lines = seen.get(k);
    if (lines) lines.push(r.line);
    else seen.set(k, [r.line]);
  }
  return [...seen].filter(([, lines]) => lines.length > 1);
}

function columnStats(
  kind: TKind,
  {
    index,
    header,
    mapping,
    records,
  }: { index: number; header: string; mapping: readonly TMappedColumn[]; records: readonly TRecord[] },
): TColumnStats {
  const column = mapping.find((m) => m.index === index);
  const field = column?.field ?? null;
  const type = field ? fieldDef(kind, field)?.type : undefined;
  const parse = column && type ? columnParser(type, column) : undefined;
  const distinct = new Set<string>();
  let filled = 0;
  let parseFailures = 0;
  let min: string | null = null;
  let max: string | null = null;
  for (const r of records) {
    const raw = r.fields[index] ?? "";
    if (isBlank(raw)) continue;
    filled++;
    distinct.add(raw.trim());
    if (!parse || !type) continue;
    const parsed = parse(raw);
    if (!parsed.ok) {
      parseFailures++;
      continue;
    }
    if (!ORDERED.has(type)) continue;
    const value = orderedValue(parsed.value);
    if (min === null || compare(type, value, min) < 0) min = value;
    if (max === null || compare(type, value, max) > 0) max = value;
  }
  return {
    index,
    header,
    field,
    filled: records.length ? Math.round((filled / records.length) * 100) / 100 : 0,
    distinct: distinct.size,
    min,
    max,
    parseFailures,
  };
}

function orderedValue(value: unknown): string {
  if (typeof value === "object" && value !== null && "decimal" in value) return String(value.decimal);
  return String(value);
}

function compare(type: TValueType, a: string, b: string): number {
  if (type === "date") return a < b ? -1 : a > b ? 1 : 0;
  return compareDecimal(a, b);
}

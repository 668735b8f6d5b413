/*
 * The CSV dialect of a file's first lines: which delimiter separates the fields and which line holds the
 * header. Exports often begin with a title or a "generated on" line, and European spreadsheets use `;`
 * because `,` is their decimal mark, so neither can be assumed. The sample is split here with a small
 * quote-aware tokenizer (a quoted field may hold delimiters and line breaks); the real parsing is
 * csv-parse's, given the dialect found here.
 */

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type TDelimiter = (typeof DELIMITERS)[number];

export type TSampleRecord = { fields: string[]; line: number };

/** How many records of the sample the detection looks at. */
const SAMPLE_RECORDS = 50;
/** How many leading lines may be titles or notes before the header. */
const MAX_HEADER_OFFSET = 10;

export type TScan = {
  records: TSampleRecord[];
  /** Line of a quoted field still open at the end of the text (an unterminated quote), if any. */
  openQuoteLine?: number;
  /** Whether the text ended before `maxRecords` were read. */
  complete: boolean;
};

/**
 * Splits text into records of fields with `delimiter`, `"` quoting and `""` escapes, each with the
 * 1-based line it starts on. Blank lines are skipped. Lenient: a stray quote inside a field is kept.
 */
export function scan(text: string, delimiter: string, maxRecords = Number.POSITIVE_INFINITY): TScan {
  const records: TSampleRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  let inQuotes = false;
  let fieldStart = true;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") records.push({ fields, line: recordLine });
    fields = [];
    field = "";
    fieldStart = true;
  };
  let i = 0;
  for (; i < text.length && records.length < maxRecords; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      inQuotes = true;
      quoteLine = line;
      fieldStart = false;
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
      fieldStart = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStart = false;
    }
  }
  const complete = i >= text.length;
  if (complete && (field !== "" || fields.length > 0 || inQuotes)) endRecord();
  return { records, complete, ...(complete && inQuotes ? { openQuoteLine: quoteLine } : {}) };
}

/** The records of `scan`. */
export function tokenize(text: string, delimiter: string, maxRecords = Number.POSITIVE_INFINITY) {
  return scan(text, delimiter, maxRecords).records;
}

export type TDelimiterDetection = { delimiter: TDelimiter; confidence: number; fieldCount: number };

/**
 * The delimiter whose records most often share one field count (greater than 1), counting quotes.
 * Ties go to the one giving more fields, then to the order of `DELIMITERS`. A file with a single column
 * has no delimiter to find: `,` with confidence 0.
 */
export function detectDelimiter(text: string): TDelimiterDetection {
  let best: TDelimiterDetection = { delimiter: ",", confidence: 0, fieldCount: 1 };
  for (const delimiter of DELIMITERS) {
    const records = tokenize(text, delimiter, SAMPLE_RECORDS);
    const { count, share } = modalFieldCount(records);
    if (count < 2) continue;
    if (share > best.confidence || (share === best.confidence && count > best.fieldCount)) {
      best = { delimiter, confidence: share, fieldCount: count };
    }
  }
  return best;
}

/** The most common field count above 1 (ties: the larger) and the share of records that have it. */
function modalFieldCount(records: TSampleRecord[]): { count: number; share: number } {
  const tally = new Map<number, number>();
  for (const r of records) {
    if (r.fields.length > 1) tally.set(r.fields.length, (tally.get(r.fields.length) ?? 0) + 1);
  }
  let count = 1;
  let seen = 0;
  for (const [n, times] of tally) {
    if (times > seen || (times === seen && n > count)) {
      count = n;
      seen = times;
    }
  }
  return { count, share: records.length ? seen / records.length : 0 };
}

export type THeaderDetection = {
  /** Index of the header among the records given (0 = the first record). */
  index: number;
  /** 1-based line of the file the header is on. */
  line: number;
  /** False when no record looks like a header: columns are then named "Column 1", "Column 2", .... */
  found: boolean;
};

const NUMBERISH = /^[\s$€£¥(+-]*\d[\d\s.,:/'-]*[)%]?\s*[A-Za-z]{0,3}$/;
const DATEISH =
  /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{2,4}$|^[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}$/;
const EMAILISH = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether one cell reads like a column label rather than a value. */
function isLabel(cell: string): boolean {
  const t = cell.trim();
  return t !== "" && t.length <= 80 && !NUMBERISH.test(t) && !DATEISH.test(t) && !EMAILISH.test(t);
}

/**
 * The first of the leading records that looks like a header: at least half the columns filled, at least
 * 80% of the filled cells labels (not numbers, dates or emails), and those labels distinct. Title lines
 * ("Subscriptions export, March 2024") fail the fill test, data rows the label test.
 */
export function detectHeader(records: TSampleRecord[], fieldCount: number): THeaderDetection {
  const limit = Math.min(records.length, MAX_HEADER_OFFSET + 1);
  for (let i = 0; i < limit; i++) {
    const record = records[i];
    if (record && looksLikeHeader(record.fields, fieldCount))
      return { index: i, line: record.line, found: true };
  }
  const first = records.findIndex((r) => r.fields.length === fieldCount);
  const index = Math.max(0, first);
  return { index, line: records[index]?.line ?? 1, found: false };
}

function looksLikeHeader(fields: string[], fieldCount: number): boolean {
  const filled = fields.map((f) => f.trim()).filter((f) => f !== "");
  if (filled.length < Math.max(1, Math.ceil(fieldCount / 2))) return false;
  if (fields.length < Math.ceil(fieldCount * 0.75)) return false;
  const labels = filled.filter(isLabel);
  if (labels.length < filled.length * 0.8) return false;
  return new Set(labels.map((l) => l.toLowerCase())).size === labels.length;
}

export type TDialect = TDelimiterDetection & {
  header: THeaderDetection;
  /** The sample's records with that delimiter, from the first line of the file. */
  records: TSampleRecord[];
};

/** Delimiter, then the header among the sample's records. */
export function detectDialect(text: string, delimiter?: TDelimiter): TDialect {
  const detected = detectDelimiter(text);
  const chosen = delimiter
    ? {
        delimiter,
        confidence: 1,
        fieldCount: modalFieldCount(tokenize(text, delimiter, SAMPLE_RECORDS)).count,
      }
    : detected;
  const records = tokenize(text, chosen.delimiter, SAMPLE_RECORDS);
  return { ...chosen, records, header: detectHeader(records, chosen.fieldCount) };
}

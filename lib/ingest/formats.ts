import type { TDateOrder } from "./dates";
import { fieldDef, type TKind } from "./fields";
import {
  decideDateOrder,
  decideDecimalMark,
  decidePercentScale,
  isBlank,
  isExcelSerialColumn,
  type TDecimalMark,
  type TPercentScale,
} from "./values";

/*
 * How each mapped column writes its values — day or month first, `.` or `,` as the decimal mark, Excel
 * serial days, percentages as 10 or 0.1 — decided once from the sample, for the whole column. The
 * decisions travel with the mapping to the import job, so every row of the file is read the same way
 * the preview showed. Where the sample cannot decide, the default is used and a warning says so.
 */

export type TColumnFormat = {
  dateOrder?: TDateOrder;
  excelSerial?: boolean;
  decimal?: TDecimalMark;
  percentScale?: TPercentScale;
};

/** A column and the field it feeds; the shape the import job receives. */
export type TMappedColumn = { index: number; header: string; field: string | null; format?: TColumnFormat };

/** The header of the column mapped to each field: what rejected rows and problems name as the column. */
/** A date written with dots, day and month first: 01.02.2024, 1.2.24. */
const DOTTED_DATE = /^\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b/;

export function columnOfField(mapping: readonly TMappedColumn[]): (field: string) => string | null {
  const headers = new Map(mapping.flatMap((m) => (m.field ? [[m.field, m.header] as const] : [])));
  return (field) => headers.get(field) ?? null;
}

export type TFormatWarning = {
  code: "ambiguous_date_order" | "mixed_date_order" | "ambiguous_decimal" | "amounts_in_minor_units";
  column: string;
  message: string;
};

/**
 * The user's choices for the whole file, and `hints`: how an earlier import of a file with the same
 * columns read each column (by index), named by `hintSource` ("your import of 'jan.csv'"). A hint settles
 * only what this file's own values cannot.
 */
export type TFormatChoices = {
  dateOrder?: TDateOrder;
  decimal?: TDecimalMark;
  hints?: Readonly<Record<number, Pick<TColumnFormat, "dateOrder" | "decimal">>>;
  hintSource?: string;
};

/**
 * Each mapped column with its format, from the sample's values. `choices` are the user's: they win over
 * what the data suggests and silence the warnings they answer.
 */
export function decideFormats<T extends TMappedColumn>(
  kind: TKind,
  mapping: readonly T[],
  rows: readonly (readonly string[])[],
  choices: TFormatChoices = {},
): { mapping: T[]; warnings: TFormatWarning[] } {
  const warnings: TFormatWarning[] = [];
  const valuesOf = (column: T) => rows.map((r) => r[column.index] ?? "").filter((v) => !isBlank(v));
  // A file writes all its dates one way: a column whose dates cannot tell (every day ≤ 12) reads them as
  // the first column that can tell does.
  const fileOrder = mapping
    .filter((c) => c.field && fieldDef(kind, c.field)?.type === "date")
    .map((c) => ({ header: c.header, decision: decideDateOrder(valuesOf(c)) }))
    .find((c) => c.decision.order !== "ambiguous");
  const decided = mapping.map((column) => {
    const type = column.field ? fieldDef(kind, column.field)?.type : undefined;
    if (!type || !["date", "money", "percent"].includes(type)) return column;
    const values = valuesOf(column);
    const name = `'${column.header.trim()}'`;
    const hint = choices.hints?.[column.index];
    const as = `as ${choices.hintSource ?? "an earlier import"} did`;
    const format: TColumnFormat = { ...column.format };
    if (type === "date") {
      format.excelSerial = isExcelSerialColumn(values);
      const d = decideDateOrder(values);
      if (choices.dateOrder || column.format?.dateOrder) {
        format.dateOrder = column.format?.dateOrder ?? choices.dateOrder;
      } else if (d.order !== "ambiguous") {
        format.dateOrder = d.order;
        if (d.dmyVotes && d.mdyVotes) {
          warnings.push({
            code: "mixed_date_order",
            column: column.header,
            message:
              `column ${name}: some dates are day first ('${d.dmyExample}') and some month first ` +
              `('${d.mdyExample}'); reading ${d.order === "dmy" ? "DD/MM/YYYY" : "MM/DD/YYYY"}, ` +
              "so the others will be rejected",
          });
        }
      } else if (fileOrder && fileOrder.decision.order !== "ambiguous") {
        format.dateOrder = fileOrder.decision.order;
      } else {
        // Nothing in the column decides: an earlier import's choice, dots (01.02.2024 is day first
        // wherever dates are written with dots: Germany, Switzerland, Russia, …), else month first.
        const dotted = values.filter((v) => DOTTED_DATE.test(v)).length * 2 > values.length;
        const [order, reading, why] = hint?.dateOrder
          ? [hint.dateOrder, hint.dateOrder === "dmy" ? "DD/MM/YYYY" : "MM/DD/YYYY", `, ${as}`]
          : dotted
            ? (["dmy", "DD.MM.YYYY", ", as dates written with dots are"] as const)
            : (["mdy", "MM/DD/YYYY", ""] as const);
        format.dateOrder = order;
        if (d.undecided > 0) {
          warnings.push({
            code: "ambiguous_date_order",
            column: column.header,
            message:
              `column ${name}: every date has day ≤ 12 (e.g. '${d.undecidedExample}'); reading as ` +
              `${reading}${why} — choose ${order === "dmy" ? "MM/DD" : "DD/MM"} if that's wrong`,
          });
        }
      }
    } else if (type === "money") {
      const d = decideDecimalMark(values);
      if (choices.decimal || column.format?.decimal) {
        format.decimal = column.format?.decimal ?? choices.decimal;
      } else if (d.decimal !== "ambiguous") {
        format.decimal = d.decimal;
      } else if (hint?.decimal) {
        format.decimal = hint.decimal;
        if (d.undecided > 0) {
          warnings.push({
            code: "ambiguous_decimal",
            column: column.header,
            message:
              `column ${name}: amounts like '1,234' could be 1234 or 1.234; reading '${hint.decimal}' as the ` +
              `decimal mark, ${as} — choose the other if that's wrong`,
          });
        }
      } else {
        format.decimal = ".";
        if (d.undecided > 0) {
          warnings.push({
            code: "ambiguous_decimal",
            column: column.header,
            message:
              `column ${name}: amounts like '1,234' could be 1234 or 1.234; reading '.' as the decimal ` +
              "mark — choose ',' if that's wrong",
          });
        }
      }
    } else {
      format.percentScale = column.format?.percentScale ?? decidePercentScale(values);
    }
    return { ...column, format };
  });
  return { mapping: decided, warnings };
}

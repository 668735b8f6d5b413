import { csvField } from "@/lib/uploads/rejections";

/*
 * CSV for every table Meridian exports. One cell encoder for the whole app: csvField (written for the
 * rejected-rows report) quotes where needed and prefixes text starting with = + - @, a tab or a CR with
 * `'`, so a spreadsheet never runs a cell as a formula. Numbers stay numbers (-12.5 is a value, not a
 * formula, and is written as is).
 */
export { csvField };

export type CsvCell = string | number | null;

/** A whole CSV document: a header line and the rows, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}

/** The attachment response of a CSV document; `filename` is reduced to safe characters. */
export function csvResponse(csv: string, filename: string): Response {
  const safe = filename.replace(/[^\w.-]+/g, "_");
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${safe}"`,
    },
  });
}

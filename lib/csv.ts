/*
 * CSV for every table Meridian exports (dashboard tables, the rejected-rows report). One cell encoder for
 * the whole app: csvField quotes where needed and prefixes text starting with = + - @, a tab or a CR with
 * `'`, so a spreadsheet never runs a cell as a formula (opening an export can never execute what an
 * uploaded file contained). Numbers stay numbers (-12.5 is a value, not a formula, and is written as is),
 * and so does text that is only a negative number ("-50.00" from an uploaded cell).
 */

export type CsvCell = string | number | null;

const FORMULA = /^[=+\-@\t\r]/;
/** A negative number written as text ("-50.00", "-1,234.5"): only digits follow the minus, no formula can. */
const NEGATIVE_NUMBER = /^-[\d.,]+$/;

/** One CSV cell: empty for null, text starting like a formula gets a leading `'`, quoted when needed. */
export function csvField(value: CsvCell): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA.test(text) && !NEGATIVE_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

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

/** A CSV attachment streamed from an async generator of lines (large exports never sit in memory). */
export function csvStreamResponse(lines: AsyncGenerator<string>, filename: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await lines.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const safe = filename.replace(/[^\w.-]+/g, "_");
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${safe}"`,
    },
  });
}

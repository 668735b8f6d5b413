import { and, asc, eq, gt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { uploadRejections, uploads } from "@/db/schema";
import { csvField } from "@/lib/csv";
import { notFound } from "@/lib/errors";
import type { TMappedColumn } from "@/lib/ingest/formats";

/*
 * The rejected rows of an upload as CSV (line, column, value, message), streamed a page at a time. Cells
 * are written by lib/csv.ts's csvField: one a spreadsheet would run as a formula (starting with = + - @,
 * a tab or a carriage return) gets a leading apostrophe, so opening the report can never execute what
 * the uploaded file contained.
 */

const PAGE = 5_000;

/** The org's upload (its mapping too), or "not found". */
async function uploadOf(db: Db, orgId: string, uploadId: string) {
  const [upload] = await db
    .select({ id: uploads.id, mapping: uploads.mapping })
    .from(uploads)
    .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)));
  if (!upload) throw notFound("Upload not found.");
  return upload;
}

/** An upload's rejections in file order (line, then as recorded), a page at a time, by keyset. */
async function* rejectionPages(db: Db, orgId: string, uploadId: string) {
  let after = { line: 0, id: 0 };
  for (;;) {
    const page = await db
      .select({
        id: uploadRejections.id,
        line: uploadRejections.line,
        column: uploadRejections.column,
        value: uploadRejections.value,
        message: uploadRejections.message,
        record: uploadRejections.record,
      })
      .from(uploadRejections)
      .where(
        and(
          eq(uploadRejections.orgId, orgId),
          eq(uploadRejections.uploadId, uploadId),
          or(
            gt(uploadRejections.line, after.line),
            and(eq(uploadRejections.line, after.line), gt(uploadRejections.id, after.id)),
          ),
        ),
      )
      .orderBy(asc(uploadRejections.line), asc(uploadRejections.id))
      .limit(PAGE);
    if (page.length > 0) yield page;
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) return;
    after = { line: last.line, id: last.id };
  }
}

const csvLine = (cells: readonly (string | number | null)[]) => `${cells.map(csvField).join(",")}\r\n`;

export async function* rejectionsCsv(db: Db, orgId: string, uploadId: string): AsyncGenerator<string> {
  await uploadOf(db, orgId, uploadId);
  yield "line,column,value,message\r\n";
  for await (const page of rejectionPages(db, orgId, uploadId)) {
    yield page.map((r) => csvLine([r.line, r.column, r.value, r.message])).join("");
  }
}

/** The column after the file's own ones in rejectedRowsCsv: every problem of the row. */
export const REASON_COLUMN = "Rejected because";

/**
 * The rejected rows as the file has them, to fix and upload again: the file's header, then each rejected
 * row's values in file order, with one more column listing its problems. Rows whose values were not kept
 * (too long, rejected as a repeat, or imported before the values were kept) are left out; the count of
 * those is the caller's to say (rejectionsCsv lists every problem). Cells go through csvField like every
 * export.
 */
export async function* rejectedRowsCsv(db: Db, orgId: string, uploadId: string): AsyncGenerator<string> {
  const upload = await uploadOf(db, orgId, uploadId);
  const headers = [...((upload.mapping ?? []) as TMappedColumn[])]
    .sort((a, b) => a.index - b.index)
    .map((m) => m.header);
  yield csvLine([...headers, REASON_COLUMN]);
  let pending: { line: number; values: string[] | null; reasons: string[] } | null = null;
  const flush = () => {
    const row = pending;
    pending = null;
    if (!row?.values) return "";
    const values = Array.from(
      { length: Math.max(headers.length, row.values.length) },
      (_, i) => row.values?.[i] ?? "",
    );
    return csvLine([...values, row.reasons.join("; ")]);
  };
  for await (const page of rejectionPages(db, orgId, uploadId)) {
    let out = "";
    for (const r of page) {
      if (pending && pending.line !== r.line) out += flush();
      pending ??= { line: r.line, values: null, reasons: [] };
      if (r.record) pending.values = JSON.parse(r.record) as string[];
      pending.reasons.push(r.column ? `${r.column}: ${r.message}` : r.message);
    }
    if (out) yield out;
  }
  const rest = flush();
  if (rest) yield rest;
}

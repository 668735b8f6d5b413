import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { uploadRejections, uploads } from "@/db/schema";
import { csvField } from "@/lib/csv";
import { notFound } from "@/lib/errors";

/*
 * The rejected rows of an upload as CSV (line, column, value, message), streamed a page at a time. Cells
 * are written by lib/csv.ts's csvField: one a spreadsheet would run as a formula (starting with = + - @,
 * a tab or a carriage return) gets a leading apostrophe, so opening the report can never execute what
 * the uploaded file contained.
 */

const PAGE = 5_000;

export async function* rejectionsCsv(db: Db, orgId: string, uploadId: string): AsyncGenerator<string> {
  const [upload] = await db
    .select({ id: uploads.id })
    .from(uploads)
    .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)));
  if (!upload) throw notFound("Upload not found.");
  yield "line,column,value,message\r\n";
  let after = 0;
  for (;;) {
    const page = await db
      .select({
        id: uploadRejections.id,
        line: uploadRejections.line,
        column: uploadRejections.column,
        value: uploadRejections.value,
        message: uploadRejections.message,
      })
      .from(uploadRejections)
      .where(
        and(
          eq(uploadRejections.orgId, orgId),
          eq(uploadRejections.uploadId, uploadId),
          gt(uploadRejections.id, after),
        ),
      )
      .orderBy(asc(uploadRejections.id))
      .limit(PAGE);
    if (page.length === 0) return;
    yield page.map((r) => `${[r.line, r.column, r.value, r.message].map(csvField).join(",")}\r\n`).join("");
    after = page[page.length - 1]?.id ?? after;
    if (page.length < PAGE) return;
  }
}

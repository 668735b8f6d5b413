import { and, asc, count, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { type Upload, uploadRejections, uploads } from "@/db/schema";

/** The org's uploads, newest first (files still being stored are left out). */
export async function listUploads(db: Db, orgId: string, { limit = 200 }: { limit?: number } = {}) {
  return db
    .select()
    .from(uploads)
    .where(and(eq(uploads.orgId, orgId), isNotNull(uploads.sha256)))
    .orderBy(desc(uploads.createdAt))
    .limit(limit);
}

/**
 * Uploads of every org whose import was queued or running: at the start of an in-process server these
 * were cut off by the restart, and their jobs must run again (each continues after its last batch).
 */
export async function interruptedUploads(db: Db): Promise<{ orgId: string; uploadId: string }[]> {
  return db
    .select({ orgId: uploads.orgId, uploadId: uploads.id })
    .from(uploads)
    .where(and(inArray(uploads.status, ["queued", "importing"]), isNotNull(uploads.sha256)))
    .orderBy(asc(uploads.createdAt));
}

/** One upload of the org; another org's (or an unknown) id is undefined. */
export async function getUpload(db: Db, orgId: string, uploadId: string): Promise<Upload | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(uploadId)) return undefined;
  const [upload] = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId), isNotNull(uploads.sha256)));
  return upload;
}

/** How many problems an upload's rejected rows have (a row with two unreadable cells counts twice). */
export async function countRejectionProblems(db: Db, orgId: string, uploadId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(uploadRejections)
    .where(and(eq(uploadRejections.orgId, orgId), eq(uploadRejections.uploadId, uploadId)));
  return Number(row?.n ?? 0);
}

/**
 * What an upload changed in rows an earlier upload (or another source) created, which undo puts back:
 * items (of them, `split`: changes that took effect on its `changesFrom` day) and customers.
 */
export async function countUploadChanges(
  db: Db,
  orgId: string,
  uploadId: string,
): Promise<{ items: number; split: number; customers: number }> {
  const [row] = await queryRows<{
    items: number | string;
    split: number | string;
    customers: number | string;
  }>(
    db,
    sql`SELECT
          (SELECT count(*) FROM upload_item_changes c WHERE c.upload_id = u.id) AS items,
          (SELECT count(*) FROM upload_item_changes c WHERE c.upload_id = u.id AND c.split_item_id IS NOT NULL) AS split,
          (SELECT count(*) FROM upload_customer_changes c WHERE c.upload_id = u.id) AS customers
        FROM uploads u WHERE u.org_id = ${orgId} AND u.id = ${uploadId}`,
  );
  return {
    items: Number(row?.items ?? 0),
    split: Number(row?.split ?? 0),
    customers: Number(row?.customers ?? 0),
  };
}

/** An upload's rejected rows in file order: one entry per problem (a row may have several). */
export async function listRejections(
  db: Db,
  orgId: string,
  uploadId: string,
  { limit = 100, offset = 0 }: { limit?: number; offset?: number } = {},
) {
  return db
    .select({
      line: uploadRejections.line,
      column: uploadRejections.column,
      field: uploadRejections.field,
      value: uploadRejections.value,
      message: uploadRejections.message,
    })
    .from(uploadRejections)
    .where(and(eq(uploadRejections.orgId, orgId), eq(uploadRejections.uploadId, uploadId)))
    .orderBy(asc(uploadRejections.line), asc(uploadRejections.id))
    .limit(limit)
    .offset(offset);
}

/** Share of the file imported so far, 0..1 (1 once complete). */
export function uploadProgress(u: Pick<Upload, "status" | "bytesProcessed" | "sizeBytes">): number {
  if (u.status === "complete") return 1;
  if (u.sizeBytes <= 0) return 0;
  return Math.min(1, Math.round((u.bytesProcessed / u.sizeBytes) * 1000) / 1000);
}

/** The API's (and the CLI's) JSON of an upload. */
export function uploadJson(u: Upload) {
  return {
    id: u.id,
    filename: u.filename,
    size_bytes: u.sizeBytes,
    sha256: u.sha256,
    content_type: u.contentType,
    kind: u.kind,
    status: u.status,
    progress: uploadProgress(u),
    rows_read: u.rowsRead,
    rows_imported: u.rowsImported,
    rows_rejected: u.rowsRejected,
    rows_unchanged: u.rowsUnchanged,
    bytes_processed: u.bytesProcessed,
    /** Subscriptions imported before that this file left out and the import ended (options.endMissingOn). */
    items_ended: u.itemsEnded,
    error: u.error,
    mapping: u.mapping,
    options: u.options,
    created_by: u.createdBy,
    created_at: u.createdAt.toISOString(),
    queued_at: u.queuedAt?.toISOString() ?? null,
    started_at: u.startedAt?.toISOString() ?? null,
    finished_at: u.finishedAt?.toISOString() ?? null,
  };
}

export type UploadJson = ReturnType<typeof uploadJson>;

import { z } from "zod";
import type { Db } from "@/db/client";
import { getUpload } from "@/db/queries/uploads";
import { UPLOAD_KINDS } from "@/db/schema/uploads";
import { apiHandler } from "@/lib/api/handler";
import { csvStreamResponse } from "@/lib/csv";
import { notFound } from "@/lib/errors";
import type { TQueueImport } from "./plan";

/** Shared by the /api/v1/uploads routes. */

export const ZKind = z.enum(UPLOAD_KINDS);
export const ZMappingOverrides = z.record(z.string().max(500), z.string().max(100).nullable());
export const ZImportOptions = z.object({
  date_order: z.enum(["mdy", "dmy"]).optional(),
  decimal: z.enum([".", ","]).optional(),
  default_currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "Use a 3-letter currency code.")
    .transform((c) => c.toUpperCase())
    .optional(),
  delimiter: z.enum([",", ";", "\t", "|"]).optional(),
  /** "minor": amounts are in cents (5000 = 50.00); unset: decided from the file (Baremetrics' template). */
  amounts_in: z.enum(["units", "minor"]).optional(),
  /**
   * Subscriptions: the day changes to items an earlier upload imported take effect (they are split
   * there), or "start" to correct them from each item's start. Default: the day the import is queued.
   */
  changes_from: z
    .union([z.literal("start"), z.iso.date({ error: 'Use a date (YYYY-MM-DD) or "start".' })])
    .optional(),
  /**
   * Subscriptions: the file lists every live subscription, so those earlier uploads imported that it
   * leaves out end: on this day, or with `true` on the changes_from day (today when that is "start" or
   * unset). Default false.
   */
  end_missing: z
    .union([z.boolean(), z.iso.date({ error: "Use true, false or a date (YYYY-MM-DD)." })])
    .optional(),
});

/** The body of POST /api/v1/uploads/:id/import and /left-out: the kind, mapping and options to read with. */
export const ZImportBody = z.object({
  kind: ZKind,
  mapping: ZMappingOverrides.optional(),
  options: ZImportOptions.optional(),
});

/** queueImport's (and leftOutItems') input from that body. */
export function importInput(
  orgId: string,
  uploadId: string,
  body: z.infer<typeof ZImportBody>,
): TQueueImport {
  const o = body.options ?? {};
  return {
    orgId,
    uploadId,
    kind: body.kind,
    mapping: body.mapping,
    options: {
      dateOrder: o.date_order,
      decimal: o.decimal,
      defaultCurrency: o.default_currency,
      delimiter: o.delimiter,
      amountsIn: o.amounts_in,
      changesFrom: o.changes_from,
      endMissing: o.end_missing,
    },
  };
}

/** An upload id from the path; anything that is not a uuid is simply not found. */
export function uploadIdParam(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw notFound("Upload not found.");
  }
  return id.toLowerCase();
}

/** GET route of one of an upload's CSV exports: the org's upload or 404, streamed as `<file>-<suffix>`. */
export function uploadCsvRoute(
  lines: (db: Db, orgId: string, uploadId: string) => AsyncGenerator<string>,
  suffix: string,
) {
  return apiHandler<never, never, { id: string }>({ role: "viewer" }, async ({ db, org, params }) => {
    const upload = await getUpload(db, org.id, uploadIdParam(params.id));
    if (!upload) throw notFound("Upload not found.");
    const name = upload.filename.replace(/\.csv$/i, "");
    return csvStreamResponse(lines(db, org.id, upload.id), `${name}-${suffix}`);
  });
}

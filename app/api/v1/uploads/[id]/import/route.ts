// POST /api/v1/uploads/:id/import – confirm the kind and mapping of an upload and queue its import (202).
import { z } from "zod";
import { uploadJson } from "@/db/queries/uploads";
import { sendEvent, uploadImportRequested } from "@/inngest";
import { apiHandler } from "@/lib/api/handler";
import { audit } from "@/lib/audit";
import { uploadIdParam, ZImportOptions, ZKind, ZMappingOverrides } from "@/lib/uploads/api";
import { queueImport } from "@/lib/uploads/plan";

const ZImportBody = z.object({
  kind: ZKind,
  mapping: ZMappingOverrides.optional(),
  options: ZImportOptions.optional(),
});

export const POST = apiHandler<never, typeof ZImportBody, { id: string }>(
  { role: "member", body: ZImportBody },
  async ({ db, org, user, ip, params, body }) => {
    const o = body.options ?? {};
    const upload = await queueImport(db, {
      orgId: org.id,
      uploadId: uploadIdParam(params.id),
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
    });
    await sendEvent(uploadImportRequested.create({ orgId: org.id, uploadId: upload.id }));
    await audit(db, {
      orgId: org.id,
      actorUserId: user?.id ?? null,
      action: "upload.import_started",
      target: upload.id,
      metadata: { filename: upload.filename, kind: upload.kind },
      ip,
    });
    return Response.json({ upload: uploadJson(upload) }, { status: 202 });
  },
);

// POST /api/v1/uploads/preview – detected encoding, dialect, kind and mapping of an upload, with samples and problems.
import { z } from "zod";
import { apiHandler } from "@/lib/api/handler";
import { ZImportOptions, ZKind, ZMappingOverrides } from "@/lib/uploads/api";
import { previewUpload } from "@/lib/uploads/plan";

const ZPreviewBody = z
  .object({ upload_id: z.uuid(), kind: ZKind.optional(), mapping: ZMappingOverrides.optional() })
  .extend(ZImportOptions.shape);

export const POST = apiHandler({ role: "viewer", body: ZPreviewBody }, async ({ db, org, body }) => {
  const preview = await previewUpload(db, {
    orgId: org.id,
    uploadId: body.upload_id,
    kind: body.kind,
    mapping: body.mapping,
    dateOrder: body.date_order,
    decimal: body.decimal,
    defaultCurrency: body.default_currency,
    delimiter: body.delimiter,
    amountsIn: body.amounts_in,
  });
  return { upload_id: body.upload_id, ...preview };
});

// POST /api/v1/uploads/:id/import – confirm the kind and mapping of an upload and queue its import (202).
import { uploadJson } from "@/db/queries/uploads";
import { sendEvent, uploadImportRequested } from "@/inngest";
import { apiHandler } from "@/lib/api/handler";
import { audit } from "@/lib/audit";
import { importInput, uploadIdParam, ZImportBody } from "@/lib/uploads/api";
import { queueImport } from "@/lib/uploads/plan";

export const POST = apiHandler<never, typeof ZImportBody, { id: string }>(
  { role: "member", body: ZImportBody },
  async ({ db, org, user, ip, params, body }) => {
    const upload = await queueImport(db, importInput(org.id, uploadIdParam(params.id), body));
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

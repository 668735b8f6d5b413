// GET|POST /api/v1/uploads – list the org's uploads, or upload a CSV (multipart/form-data, field `file`).
import { listUploads, uploadJson } from "@/db/queries/uploads";
import { apiHandler } from "@/lib/api/handler";
import { audit } from "@/lib/audit";
import { receiveMultipartFile } from "@/lib/uploads/multipart";
import { failIfUnreadable } from "@/lib/uploads/plan";
import { maxUploadBytes, storeUpload, tooLarge } from "@/lib/uploads/store";

export const GET = apiHandler({ role: "viewer" }, async ({ db, org }) => ({
  data: (await listUploads(db, org.id)).map(uploadJson),
}));

/** Multipart framing around the file: a request this much over the limit cannot be within it. */
const FRAMING_BYTES = 64 * 1024;

export const POST = apiHandler({ role: "member" }, async ({ req, db, org, user, ip }) => {
  const maxBytes = maxUploadBytes();
  const length = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(length) && length > maxBytes + FRAMING_BYTES) throw tooLarge(maxBytes);
  const { upload: stored, duplicate } = await receiveMultipartFile(req, "file", (file) =>
    storeUpload(db, {
      orgId: org.id,
      userId: user?.id ?? null,
      filename: file.filename,
      contentType: file.mimeType,
      body: file.stream,
      maxBytes,
    }),
  );
  // An unreadable file (empty, binary, only a header) is failed now with one message, not left waiting.
  const upload = duplicate ? stored : await failIfUnreadable(db, org.id, stored.id);
  if (!duplicate) {
    await audit(db, {
      orgId: org.id,
      actorUserId: user?.id ?? null,
      action: "upload.created",
      target: upload.id,
      metadata: { filename: upload.filename, size: upload.sizeBytes },
      ip,
    });
  }
  return Response.json({ upload: uploadJson(upload), duplicate }, { status: 201 });
});

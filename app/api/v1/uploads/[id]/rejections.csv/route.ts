// GET /api/v1/uploads/:id/rejections.csv – the upload's rejected rows (line, column, value, message) as CSV.
import { getUpload } from "@/db/queries/uploads";
import { apiHandler } from "@/lib/api/handler";
import { csvStreamResponse } from "@/lib/csv";
import { notFound } from "@/lib/errors";
import { uploadIdParam } from "@/lib/uploads/api";
import { rejectionsCsv } from "@/lib/uploads/rejections";

export const GET = apiHandler<never, never, { id: string }>(
  { role: "viewer" },
  async ({ db, org, params }) => {
    const upload = await getUpload(db, org.id, uploadIdParam(params.id));
    if (!upload) throw notFound("Upload not found.");
    const name = upload.filename.replace(/\.csv$/i, "");
    return csvStreamResponse(rejectionsCsv(db, org.id, upload.id), `${name}-rejected-rows.csv`);
  },
);

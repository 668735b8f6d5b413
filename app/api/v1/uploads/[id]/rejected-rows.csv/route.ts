// GET /api/v1/uploads/:id/rejected-rows.csv – the rejected rows as the file has them, with a column of
// their problems: fix them and upload the file again.
import { getUpload } from "@/db/queries/uploads";
import { apiHandler } from "@/lib/api/handler";
import { csvStreamResponse } from "@/lib/csv";
import { notFound } from "@/lib/errors";
import { uploadIdParam } from "@/lib/uploads/api";
import { rejectedRowsCsv } from "@/lib/uploads/rejections";

export const GET = apiHandler<never, never, { id: string }>(
  { role: "viewer" },
  async ({ db, org, params }) => {
    const upload = await getUpload(db, org.id, uploadIdParam(params.id));
    if (!upload) throw notFound("Upload not found.");
    const name = upload.filename.replace(/\.csv$/i, "");
    return csvStreamResponse(rejectedRowsCsv(db, org.id, upload.id), `${name}-rows-to-fix.csv`);
  },
);

// GET /api/v1/uploads/:id/rejections.csv – the upload's rejected rows (line, column, value, message) as CSV.
import { getUpload } from "@/db/queries/uploads";
import { apiHandler } from "@/lib/api/handler";
import { notFound } from "@/lib/errors";
import { uploadIdParam } from "@/lib/uploads/api";
import { rejectionsCsv } from "@/lib/uploads/rejections";

export const GET = apiHandler<never, never, { id: string }>(
  { role: "viewer" },
  async ({ db, org, params }) => {
    const upload = await getUpload(db, org.id, uploadIdParam(params.id));
    if (!upload) throw notFound("Upload not found.");
    const lines = rejectionsCsv(db, org.id, upload.id);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await lines.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const name = upload.filename.replace(/\.csv$/i, "").replace(/[^\w.-]+/g, "_");
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}-rejected-rows.csv"`,
      },
    });
  },
);

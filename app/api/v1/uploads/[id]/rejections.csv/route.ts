// GET /api/v1/uploads/:id/rejections.csv – the upload's rejected rows (line, column, value, message) as CSV.
import { uploadCsvRoute } from "@/lib/uploads/api";
import { rejectionsCsv } from "@/lib/uploads/rejections";

export const GET = uploadCsvRoute(rejectionsCsv, "rejected-rows.csv");

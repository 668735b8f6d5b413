// GET /api/v1/uploads/:id/rejected-rows.csv – the rejected rows as the file has them, with a column of
// their problems: fix them and upload the file again.
import { uploadCsvRoute } from "@/lib/uploads/api";
import { rejectedRowsCsv } from "@/lib/uploads/rejections";

export const GET = uploadCsvRoute(rejectedRowsCsv, "rows-to-fix.csv");

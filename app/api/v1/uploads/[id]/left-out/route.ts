// POST /api/v1/uploads/:id/left-out – what importing the upload as a full export would end (nothing is written).
import { apiHandler } from "@/lib/api/handler";
import { importInput, uploadIdParam, ZImportBody } from "@/lib/uploads/api";
import { leftOutItems, leftOutJson } from "@/lib/uploads/left-out";

export const POST = apiHandler<never, typeof ZImportBody, { id: string }>(
  { role: "viewer", body: ZImportBody },
  async ({ db, org, params, body }) => {
    return leftOutJson(await leftOutItems(db, importInput(org.id, uploadIdParam(params.id), body)));
  },
);

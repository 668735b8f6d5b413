// POST /api/v1/uploads/:id/left-out – what importing the upload as a full export would end (nothing is written).
import { apiHandler } from "@/lib/api/handler";
import { importInput, uploadIdParam, ZImportBody } from "@/lib/uploads/api";
import { leftOutItems } from "@/lib/uploads/left-out";

export const POST = apiHandler<never, typeof ZImportBody, { id: string }>(
  { role: "viewer", body: ZImportBody },
  async ({ db, org, params, body }) => {
    const left = await leftOutItems(db, importInput(org.id, uploadIdParam(params.id), body));
    return {
      day: left.day,
      rows_read: left.rowsRead,
      live: left.live,
      missing: left.missing,
      missing_mrr: left.missingMrr,
      currency: left.currency,
      examples: left.examples.map((e) => ({
        subscription_id: e.subscriptionId,
        customer: e.customer,
        plan: e.plan,
        mrr: e.mrr,
      })),
    };
  },
);

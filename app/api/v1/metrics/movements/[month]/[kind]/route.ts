// GET /api/v1/metrics/movements/YYYY-MM/{new|expansion|reactivation|contraction|churn}?limit&offset – the customers behind one movement, their MRR either side and the items that changed.
import { z } from "zod";
import { countMovementCustomers, getMovementCustomers, ZMonth } from "@/db/queries/revenue";
import { filtersFromSearchParams, movementCustomersJson, ZMovementKind } from "@/db/queries/revenue-json";
import { apiHandler } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";

const ZQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const GET = apiHandler<typeof ZQuery, never, { month: string; kind: string }>(
  { role: "viewer", query: ZQuery },
  async ({ db, org, params, query, req }) => {
    const month = ZMonth.safeParse(params.month);
    const kind = ZMovementKind.safeParse(params.kind);
    if (!month.success) {
      throw new AppError(422, "Invalid month: use YYYY-MM.", { fieldErrors: { month: ["Use YYYY-MM."] } });
    }
    if (!kind.success) {
      const kinds = ZMovementKind.options.join(", ");
      throw new AppError(422, `Invalid kind: use one of ${kinds}.`, {
        fieldErrors: { kind: [`One of ${kinds}.`] },
      });
    }
    const movement = {
      orgId: org.id,
      month: month.data,
      kind: kind.data,
      filters: filtersFromSearchParams(req.nextUrl.searchParams),
    };
    const [customers, total] = await Promise.all([
      getMovementCustomers(db, { ...movement, limit: query.limit, offset: query.offset }),
      countMovementCustomers(db, movement),
    ]);
    return {
      ...movementCustomersJson(customers, { month: month.data, kind: kind.data, currency: org.currency }),
      total_customers: total,
      limit: query.limit,
      offset: query.offset,
    };
  },
);

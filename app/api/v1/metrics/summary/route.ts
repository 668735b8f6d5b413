// GET /api/v1/metrics/summary?month=YYYY-MM – a month's headline revenue metrics and the month before's (filters: plan, country, segment, industry).
import { z } from "zod";
import { defaultReportMonth, getSummary, ZMonth } from "@/db/queries/revenue";
import { filtersFromSearchParams, summaryJson } from "@/db/queries/revenue-json";
import { apiHandler } from "@/lib/api/handler";

export const GET = apiHandler(
  { role: "viewer", query: z.object({ month: ZMonth.optional() }) },
  async ({ db, org, query, req }) =>
    summaryJson(
      await getSummary(db, {
        orgId: org.id,
        month: query.month ?? (await defaultReportMonth(db, org.id)),
        filters: filtersFromSearchParams(req.nextUrl.searchParams),
      }),
    ),
);

// GET /api/v1/metrics/movements?from=YYYY-MM&to=YYYY-MM – the MRR bridge per month (MOV-1/MOV-2) with customer counts (CUS-1); default the last 12 months.
import { defaultReportMonth, getMovements } from "@/db/queries/revenue";
import {
  filtersFromSearchParams,
  movementsJson,
  rangeOrDefault,
  ZMonthRange,
} from "@/db/queries/revenue-json";
import { apiHandler } from "@/lib/api/handler";

export const GET = apiHandler({ role: "viewer", query: ZMonthRange }, async ({ db, org, query, req }) => {
  const range = rangeOrDefault(query, query.to ?? (await defaultReportMonth(db, org.id)));
  const rows = await getMovements(db, {
    orgId: org.id,
    ...range,
    filters: filtersFromSearchParams(req.nextUrl.searchParams),
  });
  return movementsJson(rows, org.currency);
});

// GET /api/v1/metrics/cohorts?from&to&kind=logo|revenue&format=counts|percent – COH-1 retention matrix per cohort month; default the last 12 cohorts, logo counts.
import { defaultReportMonth, getCohorts } from "@/db/queries/revenue";
import {
  cohortsJson,
  filtersFromSearchParams,
  rangeOrDefault,
  ZCohortFormat,
  ZCohortKind,
  ZMonthRange,
} from "@/db/queries/revenue-json";
import { apiHandler } from "@/lib/api/handler";

const ZQuery = ZMonthRange.extend({
  kind: ZCohortKind.default("logo"),
  format: ZCohortFormat.default("counts"),
});

export const GET = apiHandler({ role: "viewer", query: ZQuery }, async ({ db, org, query, req }) => {
  const range = rangeOrDefault(query, query.to ?? (await defaultReportMonth(db, org.id)));
  const { kind, format } = query;
  const matrix = await getCohorts(db, {
    orgId: org.id,
    ...range,
    kind,
    format,
    filters: filtersFromSearchParams(req.nextUrl.searchParams),
  });
  return cohortsJson(matrix, { kind, format, currency: org.currency });
});

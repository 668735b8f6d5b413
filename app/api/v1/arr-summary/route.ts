// GET /api/v1/arr-summary?month=YYYY-MM – the ARR dashboard in one call, in the old dashboard's shape (arr_kpis, top_customers, cohorts, retention_matrix) plus the summary metrics.
import { z } from "zod";
import { defaultReportMonth, getCohorts, getSummary, getTopCustomers, ZMonth } from "@/db/queries/revenue";
import {
  filtersFromSearchParams,
  rangeOrDefault,
  summaryJson,
  toMajor,
  topCustomersJson,
} from "@/db/queries/revenue-json";
import { apiHandler } from "@/lib/api/handler";

const ZQuery = z.object({
  month: ZMonth.optional(),
  /** Cohort months; default the 12 up to `month`. */
  from: ZMonth.optional(),
  to: ZMonth.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const GET = apiHandler({ role: "viewer", query: ZQuery }, async ({ db, org, query, req }) => {
  const orgId = org.id;
  const month = query.month ?? (await defaultReportMonth(db, orgId));
  const filters = filtersFromSearchParams(req.nextUrl.searchParams);
  const [summary, top, matrix] = await Promise.all([
    getSummary(db, { orgId, month, filters }),
    getTopCustomers(db, { orgId, month, limit: query.limit, filters }),
    getCohorts(db, {
      orgId,
      ...rangeOrDefault({ from: query.from, to: query.to }, month),
      kind: "logo",
      format: "counts",
      filters,
    }),
  ]);
  return {
    ...summaryJson(summary),
    arr_kpis: { MRR: toMajor(summary.mrr, org.currency), ARR: toMajor(summary.arr, org.currency) },
    top_customers: topCustomersJson(top, org.currency),
    // COH-1: a cohort's size is L(c,0).
    cohorts: Object.fromEntries(Object.entries(matrix).map(([c, row]) => [c, row[0] ?? 0])),
    retention_matrix: matrix,
  };
});

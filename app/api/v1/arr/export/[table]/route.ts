// GET /api/v1/arr/export/{kpis|mrr|bridge|cohorts-logo|cohorts-revenue|top-customers|customers|movement}?org&range&from&to&plan&country&segment&industry[&month&kind] – an ARR dashboard table as CSV, for the view in the query.
import { z } from "zod";
import { defaultReportMonth, ZMonth } from "@/db/queries/revenue";
import { ZMovementKind } from "@/db/queries/revenue-json";
import { apiHandler } from "@/lib/api/handler";
import { exportTable, ZExportTable } from "@/lib/arr/exports";
import { parseDashboardParams } from "@/lib/arr/params";
import { csvResponse, toCsv } from "@/lib/csv";
import { AppError } from "@/lib/errors";

// The view's own parameters are read leniently (as the page reads them); month and kind name a drill-down.
const ZQuery = z.looseObject({ month: ZMonth.optional(), kind: ZMovementKind.optional() });

export const GET = apiHandler<typeof ZQuery, never, { table: string }>(
  { role: "viewer", query: ZQuery },
  async ({ db, org, params, query, req }) => {
    const table = ZExportTable.safeParse(params.table);
    if (!table.success) {
      const tables = ZExportTable.options.join(", ");
      throw new AppError(404, `No such table: use one of ${tables}.`);
    }
    if (table.data === "movement" && !(query.month && query.kind)) {
      throw new AppError(422, "A movement export needs `month` and `kind`.", {
        fieldErrors: { kind: ["Required with month for the movement table."] },
      });
    }
    const sp: Record<string, string[]> = {};
    for (const k of new Set(req.nextUrl.searchParams.keys())) sp[k] = req.nextUrl.searchParams.getAll(k);
    const view = parseDashboardParams(sp, await defaultReportMonth(db, org.id));
    const result = await exportTable(db, {
      org,
      table: table.data,
      view,
      month: query.month,
      kind: query.kind,
    });
    return csvResponse(toCsv(result.header, result.rows), result.filename);
  },
);

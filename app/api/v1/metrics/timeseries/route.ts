// GET /api/v1/metrics/timeseries?metric=NAME&from=YYYY-MM-DD&to=YYYY-MM-DD&granularity=day|week|month – one snapshot metric over time.
import { z } from "zod";
import { GRANULARITIES, getTimeseries } from "@/db/queries/snapshots";
import { apiHandler } from "@/lib/api/handler";
import { localDay } from "@/lib/snapshots/dates";
import { METRIC_NAMES, metricByName } from "@/lib/snapshots/metrics";
import { resolveRange, ZDay } from "@/lib/snapshots/range";

const ZQuery = z.object({
  metric: z.enum(METRIC_NAMES, `Unknown metric; one of: ${METRIC_NAMES.join(", ")}.`),
  from: ZDay.optional(),
  to: ZDay.optional(),
  granularity: z.enum(GRANULARITIES).default("day"),
});

export const GET = apiHandler({ role: "admin", query: ZQuery }, async ({ db, org, query }) => {
  const metric = metricByName(query.metric);
  if (!metric) throw new Error("unreachable: the enum admits only known metrics");
  const { from, to } = resolveRange(query, localDay(org.timezone));
  const points = await getTimeseries(db, { orgId: org.id, metric, from, to, granularity: query.granularity });
  return { metric: metric.name, currency: org.currency, from, to, granularity: query.granularity, points };
});

// GET /api/v1/metrics/engagement-cohorts?from=YYYY-MM&to=YYYY-MM&asOf=YYYY-MM-DD – ENG-3 week-1/4/12 retention per monthly signup cohort; default the last 12 cohorts as of today.
import { z } from "zod";
import { getEngagementCohorts } from "@/db/queries/engagement";
import { apiHandler } from "@/lib/api/handler";
import { localDay, ZDay, ZMonth } from "@/lib/events/days";

const ZQuery = z.object({ from: ZMonth.optional(), to: ZMonth.optional(), asOf: ZDay.optional() });

/** "YYYY-MM" plus `n` months. */
function addMonths(month: string, n: number): string {
  const [y = 0, m = 1] = month.split("-").map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${String(Math.floor(t / 12)).padStart(4, "0")}-${String((t % 12) + 1).padStart(2, "0")}`;
}

export const GET = apiHandler({ role: "viewer", query: ZQuery }, async ({ db, org, query }) => {
  const asOf = query.asOf ?? localDay(org.timezone);
  const to = query.to ?? asOf.slice(0, 7);
  const from = query.from ?? addMonths(to, -11);
  return {
    as_of: asOf,
    cohorts: await getEngagementCohorts(db, { orgId: org.id, from, to, asOf }),
  };
});

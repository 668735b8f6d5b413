import { getDb } from "@/db/client";
import { defaultReportMonth } from "@/db/queries/revenue";
import { hasRevenue } from "@/db/queries/revenue-dashboard";
import { parseDashboardParams, type SearchParams } from "@/lib/arr/params";
import { requireOrgPage } from "@/lib/auth/org-context";
import { type ArrContext, arrContext } from "./context";

/** The signed-in viewer's org and the dashboard view of the URL; `empty` when the org has no revenue yet. */
export async function loadArrView(orgSlug: string, searchParams: SearchParams, path: string) {
  const { org, role } = await requireOrgPage(orgSlug, "viewer", path);
  const db = getDb();
  const [reportMonth, any] = await Promise.all([
    defaultReportMonth(db, org.id),
    hasRevenue(db, { orgId: org.id }),
  ]);
  const ctx: ArrContext = arrContext(
    { id: org.id, slug: org.slug, currency: org.currency },
    parseDashboardParams(searchParams, reportMonth),
  );
  return { ctx, role, empty: !any };
}

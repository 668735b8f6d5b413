import { orgsNeedingRebuild, rebuildRevenue } from "@/lib/metrics/derive";
import { defineJob, type JobContext } from "../define-job";
import { revenueRefreshRequested } from "../events";

/*
 * Rebuilds the derived revenue tables of every org that needs it (lib/metrics/derive.ts): when the
 * month moves on (the tables end at the previous month, and this month's changes are not stored yet),
 * and for orgs with items but no derived state (after an upgrade). Nightly, and once at server start.
 * One step per org, so a retry resumes after the orgs already rebuilt.
 */
async function refresh({ step, db }: Pick<JobContext<unknown>, "step" | "db">) {
  const orgIds = await step.run("find-orgs", () => orgsNeedingRebuild(db));
  const rebuilt: { orgId: string; through: string }[] = [];
  for (const orgId of orgIds) {
    const { through } = await step.run(`rebuild-${orgId}`, () => rebuildRevenue(db, orgId));
    rebuilt.push({ orgId, through });
  }
  return { rebuilt };
}

export const revenueRefresh = defineJob(
  {
    id: "revenue-refresh",
    name: "Refresh derived revenue",
    trigger: revenueRefreshRequested,
    concurrency: { limit: 1 },
  },
  refresh,
);

export const revenueRefreshNightly = defineJob(
  {
    id: "revenue-refresh-nightly",
    name: "Refresh derived revenue (nightly)",
    trigger: { cron: "TZ=UTC 5 0 * * *" },
    concurrency: { limit: 1 },
  },
  refresh,
);

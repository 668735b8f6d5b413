import { organizations } from "@/db/schema";
import { computeEngagementCohorts } from "@/lib/snapshots/cohorts";
import { defineJob } from "../define-job";
import { engagementCohortsRequested } from "../events";

/** ENG-3 cohorts of every org on the 1st of each month, one step per org (a retry resumes after the done ones). */
export const computeMonthlyCohorts = defineJob(
  {
    id: "compute-monthly-cohorts",
    name: "Monthly engagement cohorts",
    trigger: { cron: "TZ=UTC 0 2 1 * *" },
    concurrency: { limit: 1 },
  },
  async ({ step, db }) => {
    const orgs = await step.run("list-orgs", () => db.select({ id: organizations.id }).from(organizations));
    for (const org of orgs)
      await step.run(`cohorts-${org.id}`, () => computeEngagementCohorts(db, { orgId: org.id }));
    return { orgs: orgs.length };
  },
);

/** The same for one org, on demand (the dashboard's "recompute" and the CLI). */
export const computeOrgCohorts = defineJob(
  {
    id: "compute-org-cohorts",
    name: "Engagement cohorts of one org",
    trigger: engagementCohortsRequested,
    concurrency: { limit: 1, key: "event.data.orgId" },
  },
  async ({ event, step, db }) =>
    step.run("cohorts", () => computeEngagementCohorts(db, { orgId: event.data.orgId })),
);

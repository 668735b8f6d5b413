import { checkAlerts } from "@/lib/snapshots/alerts";
import { defineJob } from "../define-job";
import { snapshotComputed } from "../events";

/** After each snapshot: open, update or resolve the org's alerts and mail new ones once (lib/snapshots/alerts.ts). */
export const checkAlertsJob = defineJob(
  {
    id: "check-alerts",
    name: "Check metric alerts",
    trigger: snapshotComputed,
    concurrency: { limit: 1, key: "event.data.orgId" },
  },
  async ({ event, step, db }) => step.run("check", () => checkAlerts(db, event.data)),
);

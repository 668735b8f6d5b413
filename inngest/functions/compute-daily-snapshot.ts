import { organizations } from "@/db/schema";
import { computeSnapshot } from "@/lib/snapshots/compute";
import { lastCompleteDay } from "@/lib/snapshots/dates";
import { defineJob } from "../define-job";
import { snapshotComputed, snapshotRequested } from "../events";

/*
 * Daily snapshots (lib/snapshots/compute.ts). The nightly cron fans out one event per org, each for the org's
 * last complete day in its own timezone; the per-org function is idempotent per org + date (an upsert), so
 * a re-run or a re-delivered event overwrites the same row. Each stored snapshot triggers check-alerts.
 */

export const computeDailySnapshotNightly = defineJob(
  {
    id: "compute-daily-snapshot-nightly",
    name: "Daily snapshots: fan out per org",
    trigger: { cron: "TZ=UTC 0 1 * * *" },
    concurrency: { limit: 1 },
  },
  async ({ step, db }) => {
    const orgs = await step.run("list-orgs", () =>
      db.select({ id: organizations.id, timezone: organizations.timezone }).from(organizations),
    );
    const events = orgs.map((o) =>
      snapshotRequested.create({ orgId: o.id, date: lastCompleteDay(o.timezone) }),
    );
    if (events.length) await step.sendEvent("fan-out", events);
    return { orgs: events.length };
  },
);

export const computeDailySnapshot = defineJob(
  {
    id: "compute-daily-snapshot",
    name: "Daily snapshot of one org",
    trigger: snapshotRequested,
    concurrency: { limit: 1, key: "event.data.orgId" },
  },
  async ({ event, step, db }) => {
    const { orgId, date } = event.data;
    const snapshot = await step.run("compute", async () => {
      const row = await computeSnapshot(db, { orgId, date });
      return { date: row.date, mrr: row.mrr, customers: row.customersTotal, dau: row.dau };
    });
    await step.sendEvent("check-alerts", snapshotComputed.create({ orgId, date }));
    return snapshot;
  },
);

import {
  backfillDay,
  backfillDays,
  failBackfill,
  finishBackfillMonth,
  getBackfill,
  startBackfill,
} from "@/lib/snapshots/backfill";
import { monthsBetween } from "@/lib/snapshots/dates";
import { defineJob } from "../define-job";
import { snapshotBackfillMonthRequested, snapshotBackfillRequested } from "../events";

/*
 * backfill-snapshots: one run fans the range out by month; each month is its own run with one step per day,
 * so a failure retries that day only and months run side by side under Inngest. Progress (months and days
 * done) is on the snapshot_backfills row the UI and the CLI show.
 */
export const backfillSnapshots = defineJob(
  {
    id: "backfill-snapshots",
    name: "Backfill snapshots: fan out by month",
    trigger: snapshotBackfillRequested,
  },
  async ({ event, step, db }) => {
    const { orgId, backfillId, from, to } = event.data;
    const backfill = await step.run("load", () =>
      backfillId
        ? getBackfill(db, { orgId, backfillId })
        : startBackfill(db, { orgId, from: from ?? "", to: to ?? "" }),
    );
    const months = monthsBetween(backfill.fromDate, backfill.toDate).map((m) => m.month);
    await step.sendEvent(
      "fan-out",
      months.map((month) => snapshotBackfillMonthRequested.create({ orgId, backfillId: backfill.id, month })),
    );
    return { months: months.length };
  },
);

export const backfillSnapshotsMonth = defineJob(
  {
    id: "backfill-snapshots-month",
    name: "Backfill snapshots: one month",
    trigger: snapshotBackfillMonthRequested,
    concurrency: { limit: 2, key: "event.data.orgId" },
    onFailure: async ({ event, db, error }) => {
      await failBackfill(db, {
        orgId: event.data.orgId,
        backfillId: event.data.backfillId,
        error: error.message,
      });
    },
  },
  async ({ event, step, db }) => {
    const { orgId, backfillId, month } = event.data;
    const backfill = await step.run("load", () => getBackfill(db, { orgId, backfillId }));
    const days = backfillDays(backfill, month);
    for (const date of days) await step.run(`day-${date}`, () => backfillDay(db, { orgId, date }));
    const done = await step.run("done", () =>
      finishBackfillMonth(db, { orgId, backfillId, month, days: days.length }),
    );
    return { month, days: days.length, monthsDone: done.monthsDone, monthsTotal: done.monthsTotal };
  },
);

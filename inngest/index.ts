import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { inngest } from "./client";
import type { Job } from "./define-job";
import { type AppEvent, validateAppEvents } from "./events";
import { backfillSnapshots, backfillSnapshotsMonth } from "./functions/backfill-snapshots";
import { checkAlertsJob } from "./functions/check-alerts";
import { computeDailySnapshot, computeDailySnapshotNightly } from "./functions/compute-daily-snapshot";
import { computeMonthlyCohorts, computeOrgCohorts } from "./functions/compute-monthly-cohorts";
import { importUploadJob } from "./functions/import-upload";
import { ping } from "./functions/ping";
import { revenueRefresh, revenueRefreshNightly } from "./functions/revenue-refresh";
import { stripeBackfill } from "./functions/stripe-backfill";
import { stripeSyncCustomer } from "./functions/stripe-sync-customer";
import { failInterruptedRuns } from "./job-runs";
import { createRunner, type Runner } from "./runner";

/** Every job, in one list: served to Inngest (`functions`) and run by the in-process runner (`jobs`). */
export const jobs: readonly Job[] = [
  ping,
  revenueRefresh,
  revenueRefreshNightly,
  stripeSyncCustomer,
  stripeBackfill,
  importUploadJob,
  computeDailySnapshotNightly,
  computeDailySnapshot,
  checkAlertsJob,
  computeMonthlyCohorts,
  computeOrgCohorts,
  backfillSnapshots,
  backfillSnapshotsMonth,
];
export const functions = jobs.map((job) => job.fn);

// On globalThis so a dev-server reload reuses the runner instead of starting a second cron scheduler.
const state = globalThis as unknown as { meridianRunner?: Runner; meridianStopCron?: () => void };

/** The process-wide in-process runner on the app database. */
export function getRunner(): Runner {
  state.meridianRunner ??= createRunner({ db: getDb(), jobs });
  return state.meridianRunner;
}

/** Replaces the process-wide runner (tests); `undefined` makes the next getRunner() build a fresh one. */
export function setRunner(runner: Runner | undefined): void {
  state.meridianStopCron?.();
  state.meridianStopCron = undefined;
  state.meridianRunner = runner;
}

/**
 * Sends app events: to Inngest when it is configured, else to the in-process runner. Either way the
 * events are validated first, so a bad payload throws here, at the caller.
 */
export async function sendEvent(events: AppEvent | AppEvent[]): Promise<{ ids: string[] }> {
  const list = Array.isArray(events) ? events : [events];
  await validateAppEvents(list);
  if (env().inngestConfigured) {
    const { ids } = await inngest.send(list);
    return { ids };
  }
  const { ids } = await getRunner().send(list);
  return { ids };
}

/** Call once at server start: in in-process mode this starts the cron scheduler (Inngest runs its own). */
export async function startJobs(): Promise<{ mode: "inngest" | "in-process" }> {
  if (env().inngestConfigured) return { mode: "inngest" };
  if (!state.meridianStopCron) {
    const runner = getRunner();
    const interrupted = await failInterruptedRuns(runner.db);
    if (interrupted)
      console.warn(`[jobs] marked ${interrupted} in-process run(s) interrupted by the restart as failed`);
    state.meridianStopCron = runner.startCronScheduler();
  }
  return { mode: "in-process" };
}

/** Stops the cron scheduler (shutdown, tests). Runs already started finish on their own. */
export function stopJobs(): void {
  state.meridianStopCron?.();
  state.meridianStopCron = undefined;
}

export { defineJob } from "./define-job";
export * from "./events";

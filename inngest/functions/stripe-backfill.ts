import { failBackfill, runBackfillPage } from "@/lib/stripe/backfill";
import { defineJob } from "../define-job";
import { stripeBackfillRequested } from "../events";

/** Pages per run; then the run hands over to a fresh one (Inngest caps the steps of a run). */
const PAGES_PER_RUN = 200;

/**
 * Imports an org's Stripe history page by page (lib/stripe/backfill.ts). Progress lives in
 * stripe_backfills, so a new run with the same backfill id resumes where the last one stopped.
 */
export const stripeBackfill = defineJob(
  {
    id: "stripe-backfill",
    name: "Stripe: backfill",
    trigger: stripeBackfillRequested,
    concurrency: { limit: 1, key: "event.data.orgId" },
    onFailure: async ({ event, db, error }) => {
      await failBackfill(db, { ...event.data, error: error.message });
    },
  },
  async ({ event, step, db }) => {
    const { orgId, backfillId } = event.data;
    for (let page = 0; page < PAGES_PER_RUN; page++) {
      const result = await step.run(`page-${page}`, () => runBackfillPage(db, { orgId, backfillId }));
      if (result.done) return { done: true, ...result.backfill };
      if (result.retryAfterMs) await step.sleep(`rate-limited-${page}`, result.retryAfterMs);
    }
    await step.sendEvent("continue", stripeBackfillRequested.create({ orgId, backfillId }));
    return { done: false, continued: true };
  },
);

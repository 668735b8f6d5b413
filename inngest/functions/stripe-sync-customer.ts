import { NonRetriableError } from "inngest";
import { AppError } from "@/lib/errors";
import { recordSyncResult } from "@/lib/stripe/store";
import { syncCustomer } from "@/lib/stripe/sync";
import { defineJob } from "../define-job";
import { stripeCustomerSyncRequested } from "../events";

/**
 * Brings one Stripe customer's items in line with Stripe (webhooks queue it). One run per org at a time:
 * syncs of one org share the derived-revenue lock anyway, and Stripe's rate limit is per account.
 */
export const stripeSyncCustomer = defineJob(
  {
    id: "stripe-sync-customer",
    name: "Stripe: sync a customer",
    trigger: stripeCustomerSyncRequested,
    concurrency: { limit: 1, key: "event.data.orgId" },
  },
  async ({ event, step, db }) => {
    const { orgId, stripeCustomerId } = event.data;
    return step.run("sync-customer", async () => {
      try {
        return await syncCustomer(db, { orgId, stripeCustomerId });
      } catch (error) {
        // Expected failures (no exchange rate for a currency, Stripe not connected) will not heal by
        // retrying: show them on the Stripe settings page and stop.
        if (error instanceof AppError) {
          await recordSyncResult(db, { orgId, stripeCustomerId, error: error.message });
          throw new NonRetriableError(error.message, { cause: error });
        }
        throw error;
      }
    });
  },
);

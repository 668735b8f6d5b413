"use server";
import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { subscriptionItems } from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { endSubscriptionItem } from "@/lib/revenue/items";
import { action } from "./safe-action";

/**
 * Ends a manual subscription item on `endDate`, the first day without service (MRR-2), and updates the
 * derived revenue rows in the same transaction.
 */
export const endSubscriptionItemAction = action(
  {
    access: { role: "member" },
    schema: z.object({
      itemId: z.uuid({ error: "Not found." }),
      endDate: z.iso.date({ error: "Enter the end date as a date (YYYY-MM-DD)." }),
    }),
  },
  async (input, { db, org }) => {
    const customerId = await db.transaction(async (tx) => {
      const [item] = await tx
        .select({ customerId: subscriptionItems.customerId, source: subscriptionItems.source })
        .from(subscriptionItems)
        .where(and(eq(subscriptionItems.orgId, org.id), eq(subscriptionItems.id, input.itemId)));
      if (!item) throw notFound("Subscription item not found.");
      // The next import or sync would overwrite a hand edit of an imported item: change it at its source.
      if (item.source !== "manual") {
        throw new AppError(
          422,
          `This item comes from ${item.source === "csv" ? "a CSV import" : "Stripe"}: change it there.`,
        );
      }
      await endSubscriptionItem(tx, { orgId: org.id, itemId: input.itemId, endDate: input.endDate });
      await updateRevenueForCustomers(tx, org.id, [item.customerId]);
      return item.customerId;
    });
    revalidatePath(`/${org.slug}/customers`);
    revalidatePath(`/${org.slug}/customers/${customerId}`);
    return { ok: true as const, data: undefined, message: `Item ends on ${input.endDate}.` };
  },
);

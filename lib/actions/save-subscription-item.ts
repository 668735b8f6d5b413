"use server";
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { INTERVAL_UNITS, subscriptionItems } from "@/db/schema";
import { notFound } from "@/lib/errors";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { amountShapeError, parseMoney } from "@/lib/money";
import { saveSubscriptionItem } from "@/lib/revenue/items";
import { action } from "./safe-action";

/** An empty form field means "not given", not 0. */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const ZFormDate = (what: string) => z.iso.date({ error: `Enter the ${what} as a date (YYYY-MM-DD).` });

// Not exported: a "use server" file may export async functions only.
const ZSubscriptionItemForm = z
  .object({
    customerId: z.uuid({ error: "Not found." }),
    /** Set when editing: the manual item's external id. */
    externalId: z.preprocess(blank, z.string().trim().max(300).optional()),
    planName: z.preprocess(
      blank,
      z.string().trim().max(200, "The plan name is at most 200 characters.").optional(),
    ),
    quantity: z.coerce
      .number({ error: "Enter the quantity as a whole number." })
      .int("Enter the quantity as a whole number.")
      .min(1, "The quantity is at least 1.")
      .max(1_000_000, "The quantity is at most 1,000,000."),
    // The shape is checked here so its error shows with the others; the currency's decimals below.
    unitAmount: z
      .string()
      .trim()
      .min(1, "Enter the price per billing period.")
      .superRefine((v, ctx) => {
        const message = v ? amountShapeError(v) : undefined; // empty: min(1) has said it
        if (message) ctx.addIssue({ code: "custom", message });
      }),
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, "Use a 3-letter currency code, e.g. USD.")
      .transform((c) => c.toUpperCase()),
    intervalUnit: z.enum(INTERVAL_UNITS, { error: "Choose day, week, month, quarter or year." }),
    intervalCount: z.coerce
      .number({ error: "Enter how many units each period lasts." })
      .int("Enter a whole number of units.")
      .min(1, "A period is at least 1 unit.")
      .max(120, "A period is at most 120 units."),
    discountPercent: z.preprocess(
      blank,
      z.coerce
        .number({ error: "Enter the discount as a number of percent, e.g. 10." })
        .min(0, "The discount cannot be negative.")
        .max(100, "The discount is at most 100%.")
        .refine((n) => Number.isInteger(n * 10_000), "Use at most 4 decimal places.")
        .optional(),
    ),
    startDate: ZFormDate("start date"),
    endDate: z.preprocess(blank, ZFormDate("end date").optional()),
  })
  .refine((i) => !i.endDate || i.endDate >= i.startDate, {
    path: ["endDate"],
    message: "The end date is before the start date.",
  })
  .transform((i, ctx) => {
    const amount = parseMoney(i.unitAmount, i.currency);
    if (!amount.ok) {
      ctx.addIssue({ code: "custom", path: ["unitAmount"], message: amount.message });
      return z.NEVER;
    }
    return { ...i, unitAmount: amount.minor };
  });

/**
 * Adds a manual subscription item to a customer, or edits one (by its external id; only manual items:
 * CSV and Stripe items belong to their source). The item and the derived revenue rows are written in
 * one transaction, so a failure (e.g. no exchange rate) leaves neither.
 */
export const saveSubscriptionItemAction = action(
  { access: { role: "member" }, schema: ZSubscriptionItemForm },
  async (input, { db, org }) => {
    const today = new Date().toISOString().slice(0, 10);
    await db.transaction(async (tx) => {
      if (input.externalId) {
        const [existing] = await tx
          .select({ customerId: subscriptionItems.customerId })
          .from(subscriptionItems)
          .where(
            and(
              eq(subscriptionItems.orgId, org.id),
              eq(subscriptionItems.source, "manual"),
              eq(subscriptionItems.externalId, input.externalId),
            ),
          );
        if (!existing || existing.customerId !== input.customerId) {
          throw notFound("Subscription item not found.");
        }
      }
      // The form has no status: an item whose end has passed is canceled, any other is active.
      const status = input.endDate && input.endDate <= today ? "canceled" : "active";
      await saveSubscriptionItem(tx, org.id, {
        source: "manual",
        externalId: input.externalId ?? `manual-${randomBytes(6).toString("hex")}`,
        customerId: input.customerId,
        plan: input.planName ? { externalId: input.planName, name: input.planName } : null,
        quantity: input.quantity,
        unitAmount: input.unitAmount,
        currency: input.currency,
        intervalUnit: input.intervalUnit,
        intervalCount: input.intervalCount,
        discountPercent: input.discountPercent ?? null,
        startDate: input.startDate,
        endDate: input.endDate ?? null,
        status,
      });
      await updateRevenueForCustomers(tx, org.id, [input.customerId]);
    });
    revalidatePath(`/${org.slug}/customers`);
    revalidatePath(`/${org.slug}/customers/${input.customerId}`);
    return {
      ok: true as const,
      data: undefined,
      message: input.externalId ? "Item updated." : "Item added.",
    };
  },
);

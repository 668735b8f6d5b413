import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { one } from "@/db/rows";
import {
  customers,
  INTERVAL_UNITS,
  ITEM_SOURCES,
  ITEM_STATUSES,
  organizations,
  PERIOD_KINDS,
  plans,
  subscriptionItemPeriods,
  subscriptionItems,
} from "@/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { itemMrr } from "@/lib/metrics/mrr";
import { conversionFor } from "./fx";

const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD.");

export const ZCustomerInput = z.object({
  externalId: z.string().trim().min(1, "A customer needs an id.").max(200),
  name: z.string().trim().min(1, "A customer needs a name.").max(200),
  email: z.string().trim().max(320).nullish(),
  company: z.string().trim().max(200).nullish(),
  country: z.string().trim().max(80).nullish(),
  industry: z.string().trim().max(120).nullish(),
  segment: z.string().trim().max(120).nullish(),
  tags: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
});
export type TCustomerInput = z.infer<typeof ZCustomerInput>;

export const ZItemInput = z
  .object({
    source: z.enum(ITEM_SOURCES),
    externalId: z.string().trim().min(1).max(300),
    customerId: z.uuid(),
    plan: z
      .object({ externalId: z.string().trim().min(1).max(200), name: z.string().trim().min(1).max(200) })
      .nullish(),
    quantity: z.number().int().min(0),
    unitAmount: z.number().int().min(0, "The amount cannot be negative."),
    currency: z.string().trim().toUpperCase().length(3, "Use a 3-letter ISO 4217 currency code."),
    intervalUnit: z.enum(INTERVAL_UNITS),
    intervalCount: z.number().int().min(1).max(120).default(1),
    discountPercent: z.number().min(0).max(100).nullish(),
    discountAmount: z.number().int().min(0).nullish(),
    startDate: ZDate,
    endDate: ZDate.nullish(),
    status: z.enum(ITEM_STATUSES).default("active"),
    /** Past-due, paused and trial spans; when omitted, a trialing or paused status covers the whole item. */
    periods: z
      .array(z.object({ kind: z.enum(PERIOD_KINDS), startDate: ZDate, endDate: ZDate.nullish() }))
      .optional(),
    sourceUploadId: z.uuid().nullish(),
  })
  .refine((i) => !i.endDate || i.endDate >= i.startDate, {
    path: ["endDate"],
    message: "The end date is before the start date.",
  });
export type TItemInput = z.input<typeof ZItemInput>;

/** Inserts or updates a customer by (org, external id). */
export async function upsertCustomer(db: Db, orgId: string, input: TCustomerInput) {
  const c = ZCustomerInput.parse(input);
  const values = {
    name: c.name,
    email: c.email || null,
    company: c.company || null,
    country: c.country || null,
    industry: c.industry || null,
    segment: c.segment || null,
    tags: c.tags ?? [],
  };
  return one(
    await db
      .insert(customers)
      .values({ orgId, externalId: c.externalId, ...values })
      .onConflictDoUpdate({
        target: [customers.orgId, customers.externalId],
        set: { ...values, updatedAt: new Date() },
      })
      .returning(),
    "customer",
  );
}

async function upsertPlan(db: Db, orgId: string, plan: { externalId: string; name: string }) {
  return one(
    await db
      .insert(plans)
      .values({ orgId, externalId: plan.externalId, name: plan.name })
      .onConflictDoUpdate({ target: [plans.orgId, plans.externalId], set: { name: plan.name } })
      .returning({ id: plans.id }),
    "plan",
  );
}

/**
 * Inserts or updates one subscription item by (org, source, external id), with its MRR-1 in the
 * reporting currency and its status periods. Does not touch the derived tables: the caller calls
 * updateRevenueForCustomers once for everything it wrote.
 */
export async function saveSubscriptionItem(db: Db, orgId: string, input: TItemInput) {
  const i = ZItemInput.parse(input);
  const [org] = await db
    .select({ currency: organizations.currency })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  if (!org) throw notFound();
  const [customer] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.orgId, orgId), eq(customers.id, i.customerId)));
  if (!customer) throw notFound("Customer not found.");
  const conversion = await conversionFor(db, {
    orgId,
    reportingCurrency: org.currency,
    currency: i.currency,
    onDate: i.startDate,
  });
  const mrr = itemMrr({ ...i, ...conversion });
  const planId = i.plan ? (await upsertPlan(db, orgId, i.plan)).id : null;
  const values = {
    customerId: i.customerId,
    planId,
    sourceUploadId: i.sourceUploadId ?? null,
    quantity: i.quantity,
    unitAmount: i.unitAmount,
    currency: i.currency,
    intervalUnit: i.intervalUnit,
    intervalCount: i.intervalCount,
    discountPercent: i.discountPercent == null ? null : String(i.discountPercent),
    discountAmount: i.discountAmount ?? null,
    startDate: i.startDate,
    endDate: i.endDate ?? null,
    status: i.status,
    mrr,
    fxRate: conversion.fxRate,
  };
  const item = one(
    await db
      .insert(subscriptionItems)
      .values({ orgId, source: i.source, externalId: i.externalId, ...values })
      .onConflictDoUpdate({
        target: [subscriptionItems.orgId, subscriptionItems.source, subscriptionItems.externalId],
        set: { ...values, updatedAt: new Date() },
      })
      .returning(),
    "subscription item",
  );
  const periods =
    i.periods ??
    (i.status === "trialing" || i.status === "paused"
      ? [{ kind: i.status, startDate: i.startDate, endDate: i.endDate ?? null }]
      : []);
  await db.delete(subscriptionItemPeriods).where(eq(subscriptionItemPeriods.itemId, item.id));
  if (periods.length) {
    await db.insert(subscriptionItemPeriods).values(
      periods.map((p) => ({
        orgId,
        itemId: item.id,
        kind: p.kind,
        startDate: p.startDate,
        endDate: p.endDate ?? null,
      })),
    );
  }
  return item;
}

/** Ends an item: `endDate` is the first day without service (exclusive, MRR-2). */
export async function endSubscriptionItem(
  db: Db,
  { orgId, itemId, endDate }: { orgId: string; itemId: string; endDate: string },
) {
  const [item] = await db
    .update(subscriptionItems)
    .set({ endDate, status: "canceled", updatedAt: new Date() })
    .where(
      and(
        eq(subscriptionItems.orgId, orgId),
        eq(subscriptionItems.id, itemId),
        sql`${subscriptionItems.startDate} <= ${endDate}`,
      ),
    )
    .returning();
  if (!item) {
    const [exists] = await db
      .select({ id: subscriptionItems.id })
      .from(subscriptionItems)
      .where(and(eq(subscriptionItems.orgId, orgId), eq(subscriptionItems.id, itemId)));
    if (!exists) throw notFound("Subscription item not found.");
    throw new AppError(422, "The end date is before the item's start date.", {
      fieldErrors: { endDate: ["Before the start date."] },
    });
  }
  return item;
}

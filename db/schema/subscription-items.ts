import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { organizations } from "./organizations";
import { plans } from "./plans";

export const INTERVAL_UNITS = ["day", "week", "month", "quarter", "year"] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];
export const intervalUnitEnum = pgEnum("interval_unit", INTERVAL_UNITS);

export const ITEM_STATUSES = ["active", "trialing", "past_due", "paused", "canceled"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const itemStatusEnum = pgEnum("item_status", ITEM_STATUSES);

export const ITEM_SOURCES = ["csv", "stripe", "manual"] as const;
export type ItemSource = (typeof ITEM_SOURCES)[number];
export const itemSourceEnum = pgEnum("item_source", ITEM_SOURCES);

/**
 * One recurring line of a subscription: what a customer pays for one plan, per billing period. Money is
 * integer minor units. `mrr` is MRR-1 in the org's reporting currency, computed when the item is written.
 */
export const subscriptionItems = pgTable(
  "subscription_items",
  {
    /**
     * Time-ordered (UUID version 7, from meridian_uuidv7() of migration 0015): new items' ids follow the
     * primary key's right edge instead of landing on random pages of it: a 1 M-row import ran 11–14%
     * faster than with random ids (README, "Import speed and memory").
     */
    id: uuid("id").primaryKey().default(sql`meridian_uuidv7()`),
    /** With customer_id, a foreign key to the customer of the same org (below); the org's cascades to it. */
    orgId: uuid("org_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    planId: uuid("plan_id").references(() => plans.id, { onDelete: "set null" }),
    source: itemSourceEnum("source").notNull(),
    /** Unique per org and source: the key that makes re-imports and re-syncs idempotent. */
    externalId: text("external_id").notNull(),
    /** The upload that created the item (CSV); undo deletes by it. */
    sourceUploadId: uuid("source_upload_id"),
    quantity: integer("quantity").notNull().default(1),
    unitAmount: bigint("unit_amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    intervalUnit: intervalUnitEnum("interval_unit").notNull(),
    intervalCount: integer("interval_count").notNull().default(1),
    discountPercent: numeric("discount_percent", { precision: 7, scale: 4 }),
    /** Recurring discount per billing period, minor units of the item's currency. */
    discountAmount: bigint("discount_amount", { mode: "number" }),
    startDate: date("start_date").notNull(),
    /**
     * Set on the later part of a subscription an import split (an upload's changed terms that take effect
     * on a day after its start, lib/uploads/import-sql.ts): the start its source gives, while
     * `start_date` is the day these terms took effect. Null: `start_date` is the source's start.
     */
    startedOn: date("started_on"),
    /** Exclusive: the first day without service (MRR-2). Null: open-ended. */
    endDate: date("end_date"),
    status: itemStatusEnum("status").notNull().default("active"),
    /** MRR-1 in the reporting currency (minor units), before status periods (trial, pause) apply. */
    mrr: bigint("mrr", { mode: "number" }).notNull(),
    /** Reporting-currency units per item-currency unit on the start date (1 when they are the same). */
    fxRate: numeric("fx_rate", { precision: 20, scale: 10 }).notNull().default("1"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One check per written row instead of two (org, then customer), and an item can never name another
    // org's customer. Deleting the org deletes its customers, and they their items.
    foreignKey({
      name: "subscription_items_org_customer_fk",
      columns: [t.orgId, t.customerId],
      foreignColumns: [customers.orgId, customers.id],
    }).onDelete("cascade"),
    uniqueIndex("subscription_items_org_source_external_idx").on(t.orgId, t.source, t.externalId),
    index("subscription_items_customer_idx").on(t.orgId, t.customerId),
    index("subscription_items_upload_idx").on(t.sourceUploadId),
    check("subscription_items_quantity_check", sql`${t.quantity} >= 0`),
    check("subscription_items_interval_count_check", sql`${t.intervalCount} >= 1`),
    check("subscription_items_dates_check", sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

export type SubscriptionItem = typeof subscriptionItems.$inferSelect;
export type NewSubscriptionItem = typeof subscriptionItems.$inferInsert;

export const PERIOD_KINDS = ["trialing", "past_due", "paused"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const periodKindEnum = pgEnum("item_period_kind", PERIOD_KINDS);

/** An item's status history: the days it was trialing, past due or paused (MRR-1). End exclusive. */
export const subscriptionItemPeriods = pgTable(
  "subscription_item_periods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    itemId: uuid("item_id")
      .notNull()
      .references(() => subscriptionItems.id, { onDelete: "cascade" }),
    kind: periodKindEnum("kind").notNull(),
    startDate: date("start_date").notNull(),
    endDate: date("end_date"),
  },
  (t) => [index("subscription_item_periods_item_idx").on(t.itemId)],
);

export type SubscriptionItemPeriod = typeof subscriptionItemPeriods.$inferSelect;

import { sql } from "drizzle-orm";
import {
  date,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { uploads } from "./uploads";

/*
 * Product events (ENG-1) and the two rollups lib/events/write.ts keeps in the same transaction, so the
 * engagement reads (db/queries/engagement.ts) never scan raw events. `day` is the calendar day in the
 * org's timezone at the time the event was received.
 */

export const productEvents = pgTable(
  "product_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The event's optional `id` as sent: a second event with the same id is a duplicate (idempotency). */
    externalId: text("external_id"),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    /** The org's external customer id as sent; not checked against customers (events may come first). */
    customerId: text("customer_id"),
    properties: jsonb("properties").$type<Record<string, unknown>>(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** The CSV upload that created the event (null: sent to the API); undoing the upload deletes it. */
    sourceUploadId: uuid("source_upload_id").references(() => uploads.id, { onDelete: "set null" }),
  },
  (t) => [
    // NULLs are distinct: events without an id never conflict.
    uniqueIndex("product_events_org_external_idx").on(t.orgId, t.externalId),
    index("product_events_org_day_idx").on(t.orgId, t.day),
    // Partial: only CSV-imported events; serves the upload's undo and the foreign key's SET NULL.
    index("product_events_source_upload_idx")
      .on(t.sourceUploadId)
      .where(sql`${t.sourceUploadId} IS NOT NULL`),
  ],
);

/** One row per user and day with at least one event: DAU/WAU/MAU (ENG-2) count these. */
export const eventUserDays = pgTable(
  "event_user_days",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    userId: text("user_id").notNull(),
  },
  (t) => [
    // Day first: DAU/WAU/MAU are index-only range scans over (org, day range).
    primaryKey({ columns: [t.orgId, t.day, t.userId] }),
    // User first: ENG-3 asks "did this user have an event in days [a, b]?" per cohort user.
    index("event_user_days_user_idx").on(t.orgId, t.userId, t.day),
  ],
);

/** One row per user: first event (ENG-3 cohort, ENG-4 start) and first activation day (ENG-4). */
export const eventUsers = pgTable(
  "event_users",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    firstDay: date("first_day", { mode: "string" }).notNull(),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
    /** First day with one of the org's activation events (as configured when it arrived); null: none yet. */
    activatedDay: date("activated_day", { mode: "string" }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index("event_users_first_day_idx").on(t.orgId, t.firstDay),
  ],
);

export type ProductEvent = typeof productEvents.$inferSelect;
export type NewProductEvent = typeof productEvents.$inferInsert;
export type EventUserDay = typeof eventUserDays.$inferSelect;
export type EventUser = typeof eventUsers.$inferSelect;

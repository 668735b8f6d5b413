import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const customers = pgTable(
  "customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The id the customer has in the source system (CSV, Stripe); unique per org. */
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    company: text("company"),
    /** ISO 3166-1 alpha-2 where known. */
    country: text("country"),
    industry: text("industry"),
    segment: text("segment"),
    tags: text("tags").array().notNull().default([]),
    /** The upload that created the customer (CSV); undo deletes it when nothing else references it. */
    sourceUploadId: uuid("source_upload_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("customers_org_external_idx").on(t.orgId, t.externalId),
    /** What subscription items' (org, customer) foreign key references: an item's customer is its org's. */
    uniqueIndex("customers_org_id_idx").on(t.orgId, t.id),
    index("customers_org_name_idx").on(t.orgId, t.name),
    index("customers_upload_idx").on(t.sourceUploadId),
  ],
);

export type Customer = typeof customers.$inferSelect;
export type NewCustomer = typeof customers.$inferInsert;

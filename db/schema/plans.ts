import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const plans = pgTable(
  "plans",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** The plan's code in the source system, or its name when the source has no code; unique per org. */
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    /** The upload that created the plan (CSV); undo deletes it when no item uses it. */
    sourceUploadId: uuid("source_upload_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("plans_org_external_idx").on(t.orgId, t.externalId)],
);

export type Plan = typeof plans.$inferSelect;

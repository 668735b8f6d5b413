import { jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Metric policy options of METRICS.md and other per-org knobs; later issues add keys. */
export type OrgSettings = {
  pastDueChurnAfterDays?: number | null;
  grossMarginPercent?: number;
  /** ENG-4: event names that count as activation (e.g. "file_upload"); none → activation undefined. */
  activationEvents?: string[];
  /** Days of snapshots the org's first completed import backfills (default 90; the demo org 548). */
  initialSnapshotDays?: number;
};

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** ISO 4217 reporting currency. */
  currency: text("currency").notNull().default("USD"),
  /** IANA timezone; days (ENG-1, snapshots) are calendar days here. */
  timezone: text("timezone").notNull().default("UTC"),
  settings: jsonb("settings").$type<OrgSettings>().notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;

import { date, numeric, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/** Units of the org's reporting currency per one unit of `currency`, in force from `date` (MRR-1). */
export const fxRates = pgTable(
  "fx_rates",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    date: date("date").notNull(),
    currency: text("currency").notNull(),
    rate: numeric("rate", { precision: 20, scale: 10 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.currency, t.date] })],
);

export type FxRate = typeof fxRates.$inferSelect;

import { bigint, date, index, pgEnum, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { organizations } from "./organizations";

/*
 * Derived tables, kept current by lib/metrics/derive.ts (a full rebuild per org, and an incremental
 * update for the customers a write touched). Reads use only these; they never recompute history from
 * subscription_items. Only months with MRR > 0 are stored.
 */

/** MRR-3 per customer and plan: the customer's MRR on the last day of `month` from that plan's items. */
export const customerPlanMrrMonthly = pgTable(
  "customer_plan_mrr_monthly",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** The nil uuid for items without a plan, so it can be part of the key. */
    planId: uuid("plan_id").notNull(),
    /** First day of the month; the value is at the month's end. */
    month: date("month").notNull(),
    mrr: bigint("mrr", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.customerId, t.planId, t.month] }),
    index("customer_plan_mrr_monthly_month_idx").on(t.orgId, t.month),
  ],
);

/** MRR-3 per customer (all plans). */
export const customerMrrMonthly = pgTable(
  "customer_mrr_monthly",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    month: date("month").notNull(),
    mrr: bigint("mrr", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.customerId, t.month] }),
    index("customer_mrr_monthly_month_idx").on(t.orgId, t.month),
  ],
);

export const MOVEMENT_KINDS = ["new", "expansion", "reactivation", "contraction", "churn"] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export const movementKindEnum = pgEnum("movement_kind", MOVEMENT_KINDS);

/** MOV-1: one row per customer and month whose month-end MRR changed. */
export const customerMovements = pgTable(
  "customer_movements",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    month: date("month").notNull(),
    kind: movementKindEnum("kind").notNull(),
    /** MRR at the end of the previous month (p) and of this month (q); amount = |q − p|. */
    mrrBefore: bigint("mrr_before", { mode: "number" }).notNull(),
    mrrAfter: bigint("mrr_after", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.customerId, t.month] }),
    index("customer_movements_month_idx").on(t.orgId, t.month, t.kind),
  ],
);

/** Per org: the last month the derived tables cover, and when they were last rebuilt. */
export const revenueDerivedState = pgTable("revenue_derived_state", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  firstMonth: date("first_month"),
  throughMonth: date("through_month").notNull(),
  rebuiltAt: timestamp("rebuilt_at", { withTimezone: true }).notNull().defaultNow(),
});

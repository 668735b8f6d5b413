import { sql } from "drizzle-orm";
import { bigint, date, index, pgEnum, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/*
 * Derived tables, kept current by lib/metrics/derive.ts (a full rebuild per org, and an incremental
 * update for the customers a write touched). Reads use only these; they never recompute history from
 * subscription_items.
 *
 * All of them, revenue_derived_state included, are UNLOGGED (migration 0009; drizzle has no word for
 * it): they can be rebuilt from the items at any time, and skipping the write-ahead log makes a rebuild
 * write its two million rows markedly faster. After a crash Postgres empties unlogged tables; the state
 * goes with them, so `orgsNeedingRebuild` finds every org with items and the start-up revenue-refresh
 * job rebuilds them (until then an org reads as having no revenue). Unlogged tables are not replicated:
 * on a standby they are empty.
 *
 * Revenue is stored where it changes, not month by month: a customer's month-end MRR (MRR-3) in month m
 * is the sum of its changes in months ≤ m. The per-customer tables hold change points; the per-org
 * tables hold sums of them by month, so the headline reads add up a few dozen rows whatever the size.
 */

/** MRR-3 per customer and plan, as changes: `delta` = MRR at the end of `month` − MRR at the end of the month before (≠ 0). */
export const customerPlanChanges = pgTable(
  "customer_plan_changes",
  {
    // No foreign keys on the two per-customer tables: a rebuild writes a million rows, and checking
    // each against customers and organizations doubled its time. lib/metrics/derive.ts writes only
    // customers of the org it derives. After deleting customers, updateRevenueForCustomers(their ids)
    // removes their rows and takes them out of the org sums; before deleting an org, clearRevenue.
    orgId: uuid("org_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    /** The nil uuid for items without a plan, so it can be part of the key. */
    planId: uuid("plan_id").notNull(),
    /** First day of the month; the change is between the previous month's end and this month's end. */
    month: date("month").notNull(),
    delta: bigint("delta", { mode: "number" }).notNull(),
  },
  // One row per (customer, plan, month) by construction; no unique index: at a million rows each index
  // costs a rebuild seconds. The customer index serves a customer's rows and an org's; the plan index
  // holds every column a plan-filtered read needs, in the order its MOV-1 window reads them, so a filter
  // reads its plans' rows alone (a twentieth of the table for one of 20 plans) without the heap.
  (t) => [
    index("customer_plan_changes_customer_idx").on(t.orgId, t.customerId),
    index("customer_plan_changes_plan_idx").on(t.orgId, t.planId, t.customerId, t.month, t.delta),
  ],
);

export const MOVEMENT_KINDS = ["new", "expansion", "reactivation", "contraction", "churn"] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export const movementKindEnum = pgEnum("movement_kind", MOVEMENT_KINDS);

/**
 * MOV-1: one row per customer and month whose month-end MRR changed. `mrr_after` holds until
 * `next_month` (the customer's next movement; null after its last), so the customer's MRR at the end of
 * month M is the `mrr_after` of the row with month ≤ M < next_month.
 */
export const customerMovements = pgTable(
  "customer_movements",
  {
    // No foreign keys: see customer_plan_changes.
    orgId: uuid("org_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    month: date("month").notNull(),
    kind: movementKindEnum("kind").notNull(),
    /** MRR at the end of the previous month (p) and of this month (q); amount = |q − p|. */
    mrrBefore: bigint("mrr_before", { mode: "number" }).notNull(),
    mrrAfter: bigint("mrr_after", { mode: "number" }).notNull(),
    nextMonth: date("next_month"),
  },
  // One row per (customer, month) by construction (see customer_plan_changes on unique indexes). The
  // partial index holds each customer's last movement: its MRR now, for the largest customers.
  (t) => [
    index("customer_movements_customer_idx").on(t.orgId, t.customerId),
    index("customer_movements_month_idx").on(t.orgId, t.month),
    index("customer_movements_latest_idx").on(t.orgId, t.mrrAfter).where(sql`${t.nextMonth} IS NULL`),
  ],
);

const money = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);

/** MOV-1 summed per org and month (cents and customer counts); MRR-3 and CUS-1 are their running sums. */
export const revenueMonthly = pgTable(
  "revenue_monthly",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    month: date("month").notNull(),
    newMrr: money("new"),
    expansion: money("expansion"),
    reactivation: money("reactivation"),
    contraction: money("contraction"),
    churn: money("churn"),
    newCustomers: money("new_customers"),
    reactivatedCustomers: money("reactivated_customers"),
    churnedCustomers: money("churned_customers"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.month] })],
);

/**
 * COH-1 as changes: for the customers whose new business fell in `cohort`, the change in active
 * customers (`logos`) and in MRR (`mrr`) at the end of `month`; L(c,k) is the running sum over months.
 */
export const revenueCohorts = pgTable(
  "revenue_cohorts",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    cohort: date("cohort").notNull(),
    month: date("month").notNull(),
    logos: money("logos"),
    mrr: money("mrr"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.cohort, t.month] })],
);

/**
 * RATE-6/RATE-7 sums as changes by month: with S(m) = customers with MRR > 0 at the end of m−12, the
 * running sums give Σ MRR(m−12) (`base`), Σ MRR(m) (`current`) and Σ min(MRR(m), MRR(m−12)) (`retained`)
 * over S(m).
 */
export const revenueRetention = pgTable(
  "revenue_retention",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    month: date("month").notNull(),
    base: money("base"),
    current: money("current"),
    retained: money("retained"),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.month] })],
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

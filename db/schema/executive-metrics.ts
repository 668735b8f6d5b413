import { sql } from "drizzle-orm";
import {
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { users } from "./users";

const money = (name: string) => bigint(name, { mode: "number" });

/**
 * One org's figures on one day (a calendar day in the org's timezone), written by compute-daily-snapshot
 * (lib/snapshots/compute.ts says where each column comes from). Money in the org currency's minor units,
 * rates as fractions; null where a figure is undefined (METRICS.md) or its source does not exist yet.
 * (org, date) is the primary key: a re-run overwrites.
 */
export const metricsSnapshots = pgTable(
  "metrics_snapshots",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    date: date("date").notNull(),
    currency: text("currency").notNull(),
    // Revenue: MRR/ARR/customers on the day; the monthly rates of the day's month (month to date).
    mrr: money("mrr").notNull(),
    arr: money("arr").notNull(),
    arpa: money("arpa"),
    ltv: money("ltv"),
    nrr12: doublePrecision("nrr12"),
    grr12: doublePrecision("grr12"),
    customerChurnRate: doublePrecision("customer_churn_rate"),
    grossMrrChurnRate: doublePrecision("gross_mrr_churn_rate"),
    netMrrChurnRate: doublePrecision("net_mrr_churn_rate"),
    quickRatio: doublePrecision("quick_ratio"),
    mrrGrowthRate: doublePrecision("mrr_growth_rate"),
    customersTotal: integer("customers_total").notNull(),
    customersNew: integer("customers_new").notNull(),
    customersChurned: integer("customers_churned").notNull(),
    customersReactivated: integer("customers_reactivated").notNull(),
    // Engagement (ENG-2, ENG-4).
    dau: integer("dau").notNull(),
    wau: integer("wau").notNull(),
    mau: integer("mau").notNull(),
    stickiness: doublePrecision("stickiness"),
    activationStarted: integer("activation_started").notNull(),
    activationActivated: integer("activation_activated").notNull(),
    activationRate: doublePrecision("activation_rate"),
    // Import jobs of the day.
    jobsTotal: integer("jobs_total").notNull(),
    jobsSucceeded: integer("jobs_succeeded").notNull(),
    jobsFailed: integer("jobs_failed").notNull(),
    jobsAvgDurationMs: integer("jobs_avg_duration_ms"),
    // Finance (RUN-1, CAC-1), from manual inputs / the finance CSV.
    cash: money("cash"),
    burn: money("burn"),
    runwayMonths: doublePrecision("runway_months"),
    cacPaybackMonths: doublePrecision("cac_payback_months"),
    // Stripe (null while the org has no Stripe connection).
    subscriptionsActive: integer("subscriptions_active"),
    subscriptionsPastDue: integer("subscriptions_past_due"),
    subscriptionsCancelled: integer("subscriptions_cancelled"),
    paymentFailures: integer("payment_failures"),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.date] })],
);

export type MetricsSnapshot = typeof metricsSnapshots.$inferSelect;
export type NewMetricsSnapshot = typeof metricsSnapshots.$inferInsert;

/** Alert thresholds and recipients of one org (owners/admins edit them; absent row = defaults). */
export const metricsConfig = pgTable("metrics_config", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  /** Customer churn rate (RATE-1, month to date) at or above this percent opens an alert. */
  churnSpikePercent: doublePrecision("churn_spike_percent"),
  /** MRR falling by at least this percent against the previous day's snapshot opens an alert. */
  mrrDropPercent: doublePrecision("mrr_drop_percent"),
  /** At least this many failed Stripe payments on the day open an alert. */
  paymentFailures: integer("payment_failures"),
  /** Failed import jobs / all import jobs of the day, at or above this percent. */
  jobFailureRatePercent: doublePrecision("job_failure_rate_percent"),
  /** Alert mail goes here; empty → the org's owners and admins. */
  recipients: text("recipients").array().notNull().default(sql`'{}'::text[]`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});

export type MetricsConfig = typeof metricsConfig.$inferSelect;

/** Finance inputs by month (RUN-1, CAC-1): entered by hand or from a finance CSV of month/cash/burn. */
export const financeMonths = pgTable(
  "finance_months",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** First day of the month. */
    month: date("month").notNull(),
    /** Cash balance at the end of the month. */
    cash: money("cash"),
    /** Net burn of the month (money out − money in; negative when cash grew). */
    netBurn: money("net_burn"),
    salesMarketingSpend: money("sales_marketing_spend"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.month] })],
);

export type FinanceMonth = typeof financeMonths.$inferSelect;

export const ALERT_KINDS = ["churn_spike", "mrr_drop", "payment_failures", "job_failure_rate"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const alertKindEnum = pgEnum("alert_kind", ALERT_KINDS);

export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const alertStatusEnum = pgEnum("alert_status", ALERT_STATUSES);

/**
 * A threshold breach. At most one unresolved alert per org and kind (the partial unique index): while it
 * is open or acknowledged, later breaches update its numbers and send no mail; when a snapshot no longer
 * breaches, it is resolved, and the next breach is a new alert with a new mail.
 */
export const metricAlerts = pgTable(
  "metric_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: alertKindEnum("kind").notNull(),
    status: alertStatusEnum("status").notNull().default("open"),
    /** The snapshot day that opened it, and the latest one that still breached. */
    openedOn: date("opened_on").notNull(),
    lastSeenOn: date("last_seen_on").notNull(),
    value: doublePrecision("value").notNull(),
    threshold: doublePrecision("threshold").notNull(),
    message: text("message").notNull(),
    emailedAt: timestamp("emailed_at", { withTimezone: true }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id, { onDelete: "set null" }),
    resolvedOn: date("resolved_on"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("metric_alerts_unresolved_idx").on(t.orgId, t.kind).where(sql`status <> 'resolved'`),
    index("metric_alerts_org_idx").on(t.orgId, t.createdAt),
  ],
);

export type MetricAlert = typeof metricAlerts.$inferSelect;

export const BACKFILL_STATUSES = ["running", "succeeded", "failed"] as const;
export const snapshotBackfillStatusEnum = pgEnum("snapshot_backfill_status", BACKFILL_STATUSES);

/** A backfill-snapshots run: fanned out by month; each month's run counts itself done. */
export const snapshotBackfills = pgTable(
  "snapshot_backfills",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    fromDate: date("from_date").notNull(),
    toDate: date("to_date").notNull(),
    monthsTotal: integer("months_total").notNull(),
    monthsDone: integer("months_done").notNull().default(0),
    /** Months (YYYY-MM) already done, so a re-delivered month event counts once. */
    doneMonths: text("done_months").array().notNull().default(sql`'{}'::text[]`),
    daysDone: integer("days_done").notNull().default(0),
    status: snapshotBackfillStatusEnum("status").notNull().default("running"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("snapshot_backfills_org_idx").on(t.orgId, t.createdAt)],
);

export type SnapshotBackfill = typeof snapshotBackfills.$inferSelect;

/**
 * ENG-3 week-1/4/12 retention by monthly signup cohort, as compute-monthly-cohorts last computed it
 * (the dashboard's heatmap reads this; recomputed on the 1st of each month and on demand).
 */
export const engagementCohortSnapshots = pgTable(
  "engagement_cohort_snapshots",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    cohort: date("cohort").notNull(),
    users: integer("users").notNull(),
    week1Retained: integer("week1_retained").notNull(),
    week1Eligible: integer("week1_eligible").notNull(),
    week4Retained: integer("week4_retained").notNull(),
    week4Eligible: integer("week4_eligible").notNull(),
    week12Retained: integer("week12_retained").notNull(),
    week12Eligible: integer("week12_eligible").notNull(),
    asOf: date("as_of").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.cohort] })],
);

import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { BilledLine } from "@/lib/stripe/history";
import { customers } from "./customers";
import { organizations } from "./organizations";

/**
 * An org's Stripe connection: a restricted API key and the webhook signing secret, both AES-256-GCM
 * encrypted with STRIPE_ENCRYPTION_KEY (lib/stripe/crypto.ts). `keyHint` is what the UI may show.
 */
export const stripeConnections = pgTable("stripe_connections", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  apiKeyEncrypted: text("api_key_encrypted").notNull(),
  webhookSecretEncrypted: text("webhook_secret_encrypted").notNull(),
  /** e.g. `rk_live_…4f2a`: the key's prefix and last four characters. */
  keyHint: text("key_hint").notNull(),
  livemode: boolean("livemode").notNull().default(false),
  /** Filled by "test connection". */
  accountId: text("account_id"),
  lastTestedAt: timestamp("last_tested_at", { withTimezone: true }),
  lastTestError: text("last_test_error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type StripeConnection = typeof stripeConnections.$inferSelect;
export type NewStripeConnection = typeof stripeConnections.$inferInsert;

/** Verified webhook events we act on; the unique (org, event id) makes a replay a no-op. */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    /** The Stripe customer the event is about, when it names one. */
    stripeCustomerId: text("stripe_customer_id"),
    /** When Stripe created the event. */
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("stripe_events_org_event_idx").on(t.orgId, t.eventId),
    index("stripe_events_org_type_idx").on(t.orgId, t.type, t.createdAt),
  ],
);

export type StripeEvent = typeof stripeEvents.$inferSelect;

/** Stripe customer → Meridian customer (whose external id is the Stripe id), with its last sync. */
export const stripeCustomers = pgTable(
  "stripe_customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    stripeId: text("stripe_id").notNull(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "cascade" }),
    deleted: boolean("deleted").notNull().default(false),
    syncedAt: timestamp("synced_at", { withTimezone: true }),
    /** Why the last sync failed (e.g. a currency without an exchange rate); null after a good sync. */
    syncError: text("sync_error"),
  },
  (t) => [uniqueIndex("stripe_customers_org_stripe_idx").on(t.orgId, t.stripeId)],
);

export type StripeCustomer = typeof stripeCustomers.$inferSelect;

/**
 * The state of each Stripe subscription as last synced: the executive metrics count subscriptions by
 * status from here, and price/product events find the customers to re-sync through `priceIds`.
 */
export const stripeSubscriptions = pgTable(
  "stripe_subscriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    stripeId: text("stripe_id").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "cascade" }),
    /** Stripe's status: active, past_due, unpaid, canceled, trialing, paused, incomplete, … */
    status: text("status").notNull(),
    priceIds: text("price_ids").array().notNull().default([]),
    productIds: text("product_ids").array().notNull().default([]),
    /** Metered prices: their invoice lines are usage revenue, never MRR. */
    usagePriceIds: text("usage_price_ids").array().notNull().default([]),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("stripe_subscriptions_org_stripe_idx").on(t.orgId, t.stripeId),
    index("stripe_subscriptions_org_customer_idx").on(t.orgId, t.stripeCustomerId),
    index("stripe_subscriptions_org_status_idx").on(t.orgId, t.status),
  ],
);

export type StripeSubscription = typeof stripeSubscriptions.$inferSelect;

/** Invoices (backfill and sync): payment failures and metered usage revenue, which is not MRR. */
export const stripeInvoices = pgTable(
  "stripe_invoices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    stripeId: text("stripe_id").notNull(),
    stripeCustomerId: text("stripe_customer_id"),
    status: text("status"),
    currency: text("currency").notNull(),
    /** Minor units of `currency`, tax excluded. */
    subtotal: bigint("subtotal", { mode: "number" }).notNull().default(0),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull().default(0),
    /** Lines of metered (usage-based) prices: usage revenue, kept out of MRR (MRR-1). */
    usageAmount: bigint("usage_amount", { mode: "number" }).notNull().default(0),
    attemptCount: integer("attempt_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    finalizedAt: timestamp("finalized_at", { withTimezone: true }),
    stripeSubscriptionId: text("stripe_subscription_id"),
    /** The lines billing subscription items (lib/stripe/history.ts): the items' price and quantity history. */
    billedLines: jsonb("billed_lines").$type<BilledLine[]>().notNull().default([]),
  },
  (t) => [
    uniqueIndex("stripe_invoices_org_stripe_idx").on(t.orgId, t.stripeId),
    index("stripe_invoices_org_created_idx").on(t.orgId, t.createdAt),
    index("stripe_invoices_org_customer_idx").on(t.orgId, t.stripeCustomerId),
  ],
);

export type StripeInvoice = typeof stripeInvoices.$inferSelect;

/**
 * Failed payment attempts, one row per (invoice, attempt number). An `invoice.payment_failed` webhook
 * records its attempt at the event's time (`webhook`); invoices read by a sync or backfill add the
 * attempts no webhook recorded, dated at the invoice's finalization (`invoice`: the exact time of an
 * earlier retry is not in the invoice).
 */
export const stripePaymentFailures = pgTable(
  "stripe_payment_failures",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    invoiceId: text("invoice_id").notNull(),
    attempt: integer("attempt").notNull(),
    stripeCustomerId: text("stripe_customer_id"),
    failedAt: timestamp("failed_at", { withTimezone: true }).notNull(),
    source: text("source", { enum: ["webhook", "invoice"] }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.invoiceId, t.attempt] }),
    index("stripe_payment_failures_org_failed_idx").on(t.orgId, t.failedAt),
  ],
);

export const STRIPE_BACKFILL_PHASES = ["customers", "subscriptions", "invoices", "done"] as const;
export type StripeBackfillPhase = (typeof STRIPE_BACKFILL_PHASES)[number];
export const stripeBackfillPhaseEnum = pgEnum("stripe_backfill_phase", STRIPE_BACKFILL_PHASES);

export const STRIPE_BACKFILL_STATUSES = ["running", "succeeded", "failed"] as const;
export type StripeBackfillStatus = (typeof STRIPE_BACKFILL_STATUSES)[number];
export const stripeBackfillStatusEnum = pgEnum("stripe_backfill_status", STRIPE_BACKFILL_STATUSES);

/**
 * One backfill per org at a time. Each page's writes and the cursor move commit together, so a run
 * that stops (crash, deploy, failure) resumes after the last page it finished, counting nothing twice.
 */
export const stripeBackfills = pgTable(
  "stripe_backfills",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    status: stripeBackfillStatusEnum("status").notNull().default("running"),
    phase: stripeBackfillPhaseEnum("phase").notNull().default("customers"),
    /** `starting_after` for the next page of the current phase; null: the phase's first page. */
    cursor: text("cursor"),
    customers: integer("customers").notNull().default(0),
    subscriptions: integer("subscriptions").notNull().default(0),
    invoices: integer("invoices").notNull().default(0),
    pages: integer("pages").notNull().default(0),
    rateLimited: integer("rate_limited").notNull().default(0),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("stripe_backfills_org_idx").on(t.orgId, t.startedAt)],
);

export type StripeBackfill = typeof stripeBackfills.$inferSelect;

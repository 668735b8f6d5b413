CREATE TYPE "public"."alert_kind" AS ENUM('churn_spike', 'mrr_drop', 'payment_failures', 'job_failure_rate');--> statement-breakpoint
CREATE TYPE "public"."alert_status" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."snapshot_backfill_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "engagement_cohort_snapshots" (
	"org_id" uuid NOT NULL,
	"cohort" date NOT NULL,
	"users" integer NOT NULL,
	"week1_retained" integer NOT NULL,
	"week1_eligible" integer NOT NULL,
	"week4_retained" integer NOT NULL,
	"week4_eligible" integer NOT NULL,
	"week12_retained" integer NOT NULL,
	"week12_eligible" integer NOT NULL,
	"as_of" date NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "engagement_cohort_snapshots_org_id_cohort_pk" PRIMARY KEY("org_id","cohort")
);
--> statement-breakpoint
CREATE TABLE "finance_months" (
	"org_id" uuid NOT NULL,
	"month" date NOT NULL,
	"cash" bigint,
	"net_burn" bigint,
	"sales_marketing_spend" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finance_months_org_id_month_pk" PRIMARY KEY("org_id","month")
);
--> statement-breakpoint
CREATE TABLE "metric_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" "alert_kind" NOT NULL,
	"status" "alert_status" DEFAULT 'open' NOT NULL,
	"opened_on" date NOT NULL,
	"last_seen_on" date NOT NULL,
	"value" double precision NOT NULL,
	"threshold" double precision NOT NULL,
	"message" text NOT NULL,
	"emailed_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"resolved_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics_config" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"churn_spike_percent" double precision,
	"mrr_drop_percent" double precision,
	"payment_failures" integer,
	"job_failure_rate_percent" double precision,
	"recipients" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "metrics_snapshots" (
	"org_id" uuid NOT NULL,
	"date" date NOT NULL,
	"currency" text NOT NULL,
	"mrr" bigint NOT NULL,
	"arr" bigint NOT NULL,
	"arpa" bigint,
	"ltv" bigint,
	"nrr12" double precision,
	"grr12" double precision,
	"customer_churn_rate" double precision,
	"gross_mrr_churn_rate" double precision,
	"net_mrr_churn_rate" double precision,
	"quick_ratio" double precision,
	"mrr_growth_rate" double precision,
	"customers_total" integer NOT NULL,
	"customers_new" integer NOT NULL,
	"customers_churned" integer NOT NULL,
	"customers_reactivated" integer NOT NULL,
	"dau" integer NOT NULL,
	"wau" integer NOT NULL,
	"mau" integer NOT NULL,
	"stickiness" double precision,
	"activation_started" integer NOT NULL,
	"activation_activated" integer NOT NULL,
	"activation_rate" double precision,
	"jobs_total" integer NOT NULL,
	"jobs_succeeded" integer NOT NULL,
	"jobs_failed" integer NOT NULL,
	"jobs_avg_duration_ms" integer,
	"cash" bigint,
	"burn" bigint,
	"runway_months" double precision,
	"cac_payback_months" double precision,
	"subscriptions_active" integer,
	"subscriptions_past_due" integer,
	"subscriptions_cancelled" integer,
	"payment_failures" integer,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metrics_snapshots_org_id_date_pk" PRIMARY KEY("org_id","date")
);
--> statement-breakpoint
CREATE TABLE "snapshot_backfills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"months_total" integer NOT NULL,
	"months_done" integer DEFAULT 0 NOT NULL,
	"done_months" text[] DEFAULT '{}'::text[] NOT NULL,
	"days_done" integer DEFAULT 0 NOT NULL,
	"status" "snapshot_backfill_status" DEFAULT 'running' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "engagement_cohort_snapshots" ADD CONSTRAINT "engagement_cohort_snapshots_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finance_months" ADD CONSTRAINT "finance_months_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_alerts" ADD CONSTRAINT "metric_alerts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_alerts" ADD CONSTRAINT "metric_alerts_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics_config" ADD CONSTRAINT "metrics_config_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics_config" ADD CONSTRAINT "metrics_config_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics_snapshots" ADD CONSTRAINT "metrics_snapshots_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_backfills" ADD CONSTRAINT "snapshot_backfills_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "metric_alerts_unresolved_idx" ON "metric_alerts" USING btree ("org_id","kind") WHERE status <> 'resolved';--> statement-breakpoint
CREATE INDEX "metric_alerts_org_idx" ON "metric_alerts" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "snapshot_backfills_org_idx" ON "snapshot_backfills" USING btree ("org_id","created_at");
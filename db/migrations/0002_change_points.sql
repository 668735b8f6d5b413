CREATE TABLE "customer_plan_changes" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"month" date NOT NULL,
	"delta" bigint NOT NULL,
	CONSTRAINT "customer_plan_changes_org_id_customer_id_plan_id_month_pk" PRIMARY KEY("org_id","customer_id","plan_id","month")
);
--> statement-breakpoint
CREATE TABLE "revenue_cohorts" (
	"org_id" uuid NOT NULL,
	"cohort" date NOT NULL,
	"month" date NOT NULL,
	"logos" bigint DEFAULT 0 NOT NULL,
	"mrr" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "revenue_cohorts_org_id_cohort_month_pk" PRIMARY KEY("org_id","cohort","month")
);
--> statement-breakpoint
CREATE TABLE "revenue_monthly" (
	"org_id" uuid NOT NULL,
	"month" date NOT NULL,
	"new" bigint DEFAULT 0 NOT NULL,
	"expansion" bigint DEFAULT 0 NOT NULL,
	"reactivation" bigint DEFAULT 0 NOT NULL,
	"contraction" bigint DEFAULT 0 NOT NULL,
	"churn" bigint DEFAULT 0 NOT NULL,
	"new_customers" bigint DEFAULT 0 NOT NULL,
	"reactivated_customers" bigint DEFAULT 0 NOT NULL,
	"churned_customers" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "revenue_monthly_org_id_month_pk" PRIMARY KEY("org_id","month")
);
--> statement-breakpoint
CREATE TABLE "revenue_retention" (
	"org_id" uuid NOT NULL,
	"month" date NOT NULL,
	"base" bigint DEFAULT 0 NOT NULL,
	"current" bigint DEFAULT 0 NOT NULL,
	"retained" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "revenue_retention_org_id_month_pk" PRIMARY KEY("org_id","month")
);
--> statement-breakpoint
ALTER TABLE "customer_mrr_monthly" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "customer_plan_mrr_monthly" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "customer_mrr_monthly" CASCADE;--> statement-breakpoint
DROP TABLE "customer_plan_mrr_monthly" CASCADE;--> statement-breakpoint
ALTER TABLE "customer_movements" ADD COLUMN "next_month" date;--> statement-breakpoint
ALTER TABLE "customer_plan_changes" ADD CONSTRAINT "customer_plan_changes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_plan_changes" ADD CONSTRAINT "customer_plan_changes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_cohorts" ADD CONSTRAINT "revenue_cohorts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_monthly" ADD CONSTRAINT "revenue_monthly_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_retention" ADD CONSTRAINT "revenue_retention_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_plan_changes_plan_idx" ON "customer_plan_changes" USING btree ("org_id","plan_id");--> statement-breakpoint
CREATE INDEX "customer_movements_next_idx" ON "customer_movements" USING btree ("org_id","next_month");--> statement-breakpoint
-- The derived tables are recomputed by the revenue-refresh job (lib/metrics/derive.ts) for every org
-- with subscription items and no derived state.
DELETE FROM "customer_movements";--> statement-breakpoint
DELETE FROM "revenue_derived_state";

CREATE TYPE "public"."movement_kind" AS ENUM('new', 'expansion', 'reactivation', 'contraction', 'churn');--> statement-breakpoint
CREATE TYPE "public"."interval_unit" AS ENUM('day', 'week', 'month', 'quarter', 'year');--> statement-breakpoint
CREATE TYPE "public"."item_source" AS ENUM('csv', 'stripe', 'manual');--> statement-breakpoint
CREATE TYPE "public"."item_status" AS ENUM('active', 'trialing', 'past_due', 'paused', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."item_period_kind" AS ENUM('trialing', 'past_due', 'paused');--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"company" text,
	"country" text,
	"industry" text,
	"segment" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fx_rates" (
	"org_id" uuid NOT NULL,
	"date" date NOT NULL,
	"currency" text NOT NULL,
	"rate" numeric(20, 10) NOT NULL,
	CONSTRAINT "fx_rates_org_id_currency_date_pk" PRIMARY KEY("org_id","currency","date")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_movements" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"month" date NOT NULL,
	"kind" "movement_kind" NOT NULL,
	"mrr_before" bigint NOT NULL,
	"mrr_after" bigint NOT NULL,
	CONSTRAINT "customer_movements_org_id_customer_id_month_pk" PRIMARY KEY("org_id","customer_id","month")
);
--> statement-breakpoint
CREATE TABLE "customer_mrr_monthly" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"month" date NOT NULL,
	"mrr" bigint NOT NULL,
	CONSTRAINT "customer_mrr_monthly_org_id_customer_id_month_pk" PRIMARY KEY("org_id","customer_id","month")
);
--> statement-breakpoint
CREATE TABLE "customer_plan_mrr_monthly" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"month" date NOT NULL,
	"mrr" bigint NOT NULL,
	CONSTRAINT "customer_plan_mrr_monthly_org_id_customer_id_plan_id_month_pk" PRIMARY KEY("org_id","customer_id","plan_id","month")
);
--> statement-breakpoint
CREATE TABLE "revenue_derived_state" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"first_month" date,
	"through_month" date NOT NULL,
	"rebuilt_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_item_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" "item_period_kind" NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date
);
--> statement-breakpoint
CREATE TABLE "subscription_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan_id" uuid,
	"source" "item_source" NOT NULL,
	"external_id" text NOT NULL,
	"source_upload_id" uuid,
	"quantity" integer DEFAULT 1 NOT NULL,
	"unit_amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"interval_unit" interval_unit NOT NULL,
	"interval_count" integer DEFAULT 1 NOT NULL,
	"discount_percent" numeric(7, 4),
	"discount_amount" bigint,
	"start_date" date NOT NULL,
	"end_date" date,
	"status" "item_status" DEFAULT 'active' NOT NULL,
	"mrr" bigint NOT NULL,
	"fx_rate" numeric(20, 10) DEFAULT '1' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_items_quantity_check" CHECK ("subscription_items"."quantity" >= 0),
	CONSTRAINT "subscription_items_interval_count_check" CHECK ("subscription_items"."interval_count" >= 1),
	CONSTRAINT "subscription_items_dates_check" CHECK ("subscription_items"."end_date" IS NULL OR "subscription_items"."end_date" >= "subscription_items"."start_date")
);
--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fx_rates" ADD CONSTRAINT "fx_rates_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_movements" ADD CONSTRAINT "customer_movements_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_movements" ADD CONSTRAINT "customer_movements_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_mrr_monthly" ADD CONSTRAINT "customer_mrr_monthly_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_mrr_monthly" ADD CONSTRAINT "customer_mrr_monthly_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_plan_mrr_monthly" ADD CONSTRAINT "customer_plan_mrr_monthly_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_plan_mrr_monthly" ADD CONSTRAINT "customer_plan_mrr_monthly_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_derived_state" ADD CONSTRAINT "revenue_derived_state_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_item_periods" ADD CONSTRAINT "subscription_item_periods_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_item_periods" ADD CONSTRAINT "subscription_item_periods_item_id_subscription_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."subscription_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_org_external_idx" ON "customers" USING btree ("org_id","external_id");--> statement-breakpoint
CREATE INDEX "customers_org_name_idx" ON "customers" USING btree ("org_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "plans_org_external_idx" ON "plans" USING btree ("org_id","external_id");--> statement-breakpoint
CREATE INDEX "customer_movements_month_idx" ON "customer_movements" USING btree ("org_id","month","kind");--> statement-breakpoint
CREATE INDEX "customer_mrr_monthly_month_idx" ON "customer_mrr_monthly" USING btree ("org_id","month");--> statement-breakpoint
CREATE INDEX "customer_plan_mrr_monthly_month_idx" ON "customer_plan_mrr_monthly" USING btree ("org_id","month");--> statement-breakpoint
CREATE INDEX "subscription_item_periods_item_idx" ON "subscription_item_periods" USING btree ("item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_items_org_source_external_idx" ON "subscription_items" USING btree ("org_id","source","external_id");--> statement-breakpoint
CREATE INDEX "subscription_items_customer_idx" ON "subscription_items" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "subscription_items_upload_idx" ON "subscription_items" USING btree ("source_upload_id");
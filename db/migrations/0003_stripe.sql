CREATE TYPE "public"."stripe_backfill_phase" AS ENUM('customers', 'subscriptions', 'invoices', 'done');--> statement-breakpoint
CREATE TYPE "public"."stripe_backfill_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "stripe_backfills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"status" "stripe_backfill_status" DEFAULT 'running' NOT NULL,
	"phase" "stripe_backfill_phase" DEFAULT 'customers' NOT NULL,
	"cursor" text,
	"customers" integer DEFAULT 0 NOT NULL,
	"subscriptions" integer DEFAULT 0 NOT NULL,
	"invoices" integer DEFAULT 0 NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"rate_limited" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stripe_connections" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"api_key_encrypted" text NOT NULL,
	"webhook_secret_encrypted" text NOT NULL,
	"key_hint" text NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"account_id" text,
	"last_tested_at" timestamp with time zone,
	"last_test_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"stripe_id" text NOT NULL,
	"customer_id" uuid,
	"deleted" boolean DEFAULT false NOT NULL,
	"synced_at" timestamp with time zone,
	"sync_error" text
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"stripe_customer_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"stripe_id" text NOT NULL,
	"stripe_customer_id" text,
	"status" text,
	"currency" text NOT NULL,
	"subtotal" bigint DEFAULT 0 NOT NULL,
	"amount_paid" bigint DEFAULT 0 NOT NULL,
	"usage_amount" bigint DEFAULT 0 NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"stripe_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"customer_id" uuid,
	"status" text NOT NULL,
	"price_ids" text[] DEFAULT '{}' NOT NULL,
	"product_ids" text[] DEFAULT '{}' NOT NULL,
	"usage_price_ids" text[] DEFAULT '{}' NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stripe_backfills" ADD CONSTRAINT "stripe_backfills_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_connections" ADD CONSTRAINT "stripe_connections_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_customers" ADD CONSTRAINT "stripe_customers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_customers" ADD CONSTRAINT "stripe_customers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD CONSTRAINT "stripe_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_invoices" ADD CONSTRAINT "stripe_invoices_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_subscriptions" ADD CONSTRAINT "stripe_subscriptions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_subscriptions" ADD CONSTRAINT "stripe_subscriptions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stripe_backfills_org_idx" ON "stripe_backfills" USING btree ("org_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stripe_customers_org_stripe_idx" ON "stripe_customers" USING btree ("org_id","stripe_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stripe_events_org_event_idx" ON "stripe_events" USING btree ("org_id","event_id");--> statement-breakpoint
CREATE INDEX "stripe_events_org_type_idx" ON "stripe_events" USING btree ("org_id","type","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stripe_invoices_org_stripe_idx" ON "stripe_invoices" USING btree ("org_id","stripe_id");--> statement-breakpoint
CREATE INDEX "stripe_invoices_org_created_idx" ON "stripe_invoices" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stripe_subscriptions_org_stripe_idx" ON "stripe_subscriptions" USING btree ("org_id","stripe_id");--> statement-breakpoint
CREATE INDEX "stripe_subscriptions_org_customer_idx" ON "stripe_subscriptions" USING btree ("org_id","stripe_customer_id");--> statement-breakpoint
CREATE INDEX "stripe_subscriptions_org_status_idx" ON "stripe_subscriptions" USING btree ("org_id","status");
CREATE TABLE "stripe_payment_failures" (
	"org_id" uuid NOT NULL,
	"invoice_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"stripe_customer_id" text,
	"failed_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "stripe_payment_failures_org_id_invoice_id_attempt_pk" PRIMARY KEY("org_id","invoice_id","attempt")
);
--> statement-breakpoint
ALTER TABLE "stripe_invoices" ADD COLUMN "finalized_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stripe_invoices" ADD COLUMN "stripe_subscription_id" text;--> statement-breakpoint
ALTER TABLE "stripe_invoices" ADD COLUMN "billed_lines" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "stripe_payment_failures" ADD CONSTRAINT "stripe_payment_failures_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stripe_payment_failures_org_failed_idx" ON "stripe_payment_failures" USING btree ("org_id","failed_at");--> statement-breakpoint
CREATE INDEX "stripe_invoices_org_customer_idx" ON "stripe_invoices" USING btree ("org_id","stripe_customer_id");
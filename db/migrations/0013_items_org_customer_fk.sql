CREATE UNIQUE INDEX "customers_org_id_idx" ON "customers" USING btree ("org_id","id");--> statement-breakpoint
ALTER TABLE "subscription_items" DROP CONSTRAINT "subscription_items_org_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "subscription_items" DROP CONSTRAINT "subscription_items_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "subscription_items" ADD CONSTRAINT "subscription_items_org_customer_fk" FOREIGN KEY ("org_id","customer_id") REFERENCES "public"."customers"("org_id","id") ON DELETE cascade ON UPDATE no action;

ALTER TABLE "customer_movements" DROP CONSTRAINT "customer_movements_org_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "customer_movements" DROP CONSTRAINT "customer_movements_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "customer_plan_changes" DROP CONSTRAINT "customer_plan_changes_org_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "customer_plan_changes" DROP CONSTRAINT "customer_plan_changes_customer_id_customers_id_fk";

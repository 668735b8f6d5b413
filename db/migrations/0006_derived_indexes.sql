DROP INDEX "customer_movements_next_idx";--> statement-breakpoint
DROP INDEX "customer_plan_changes_plan_idx";--> statement-breakpoint
DROP INDEX "customer_movements_month_idx";--> statement-breakpoint
ALTER TABLE "customer_movements" DROP CONSTRAINT "customer_movements_org_id_customer_id_month_pk";--> statement-breakpoint
ALTER TABLE "customer_plan_changes" DROP CONSTRAINT "customer_plan_changes_org_id_customer_id_plan_id_month_pk";--> statement-breakpoint
CREATE INDEX "customer_movements_customer_idx" ON "customer_movements" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_movements_latest_idx" ON "customer_movements" USING btree ("org_id","mrr_after") WHERE "customer_movements"."next_month" IS NULL;--> statement-breakpoint
CREATE INDEX "customer_plan_changes_customer_idx" ON "customer_plan_changes" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_movements_month_idx" ON "customer_movements" USING btree ("org_id","month");
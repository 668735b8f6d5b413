-- Derived revenue tables are rebuildable from subscription_items: UNLOGGED skips the write-ahead log
-- (db/schema/revenue-derived.ts). The state table goes with them, so after a crash, which empties
-- unlogged tables, orgsNeedingRebuild (lib/metrics/derive.ts) sees every org with items as underived.
ALTER TABLE "customer_plan_changes" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "customer_movements" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "revenue_monthly" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "revenue_cohorts" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "revenue_retention" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "revenue_derived_state" SET UNLOGGED;--> statement-breakpoint
CREATE INDEX "customer_plan_changes_plan_idx" ON "customer_plan_changes" USING btree ("org_id","plan_id","customer_id","month","delta");

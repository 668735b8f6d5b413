-- The two per-customer derived tables become partitioned by (org_id, customer_id) ranges: each org has
-- one UNLOGGED leaf per customer range (lib/metrics/partitions.ts), so a large org's rebuild builds new
-- leaves without index maintenance, on several connections at once, and swaps them in
-- (lib/metrics/derive.ts). A partitioned parent cannot be UNLOGGED; its leaves are. Derived data is
-- rebuildable: the tables start empty and the derived state is cleared, so orgsNeedingRebuild sees every
-- org with items as underived and the revenue-refresh job rebuilds it (as after a crash).
DROP TABLE "customer_plan_changes";--> statement-breakpoint
DROP TABLE "customer_movements";--> statement-breakpoint
CREATE TABLE "customer_plan_changes" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"month" date NOT NULL,
	"delta" bigint NOT NULL
) PARTITION BY RANGE ("org_id", "customer_id");--> statement-breakpoint
CREATE INDEX "customer_plan_changes_customer_idx" ON "customer_plan_changes" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_plan_changes_plan_idx" ON "customer_plan_changes" USING btree ("org_id","plan_id","customer_id","month","delta");--> statement-breakpoint
CREATE TABLE "customer_movements" (
	"org_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"month" date NOT NULL,
	"kind" "movement_kind" NOT NULL,
	"mrr_before" bigint NOT NULL,
	"mrr_after" bigint NOT NULL,
	"next_month" date
) PARTITION BY RANGE ("org_id", "customer_id");--> statement-breakpoint
CREATE INDEX "customer_movements_customer_idx" ON "customer_movements" USING btree ("org_id","customer_id");--> statement-breakpoint
CREATE INDEX "customer_movements_month_idx" ON "customer_movements" USING btree ("org_id","month");--> statement-breakpoint
CREATE INDEX "customer_movements_latest_idx" ON "customer_movements" USING btree ("org_id","mrr_after") WHERE "customer_movements"."next_month" IS NULL;--> statement-breakpoint
DELETE FROM "revenue_monthly";--> statement-breakpoint
DELETE FROM "revenue_cohorts";--> statement-breakpoint
DELETE FROM "revenue_retention";--> statement-breakpoint
DELETE FROM "revenue_derived_state";

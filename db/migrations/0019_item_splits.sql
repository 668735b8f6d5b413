-- Splits: an upload's changed terms that take effect on a day after an item's start end the item's
-- earlier terms that day (lib/uploads/import-sql.ts, splitChangedItems).
ALTER TABLE "subscription_items" ADD COLUMN "started_on" date;--> statement-breakpoint
ALTER TABLE "upload_item_changes" ADD COLUMN "split_item_id" uuid;--> statement-breakpoint
ALTER TABLE "upload_item_changes" ADD CONSTRAINT "upload_item_changes_split_item_id_subscription_items_id_fk" FOREIGN KEY ("split_item_id") REFERENCES "public"."subscription_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "upload_item_changes_split_idx" ON "upload_item_changes" USING btree ("split_item_id");
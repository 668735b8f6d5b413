-- What an import changed in items and customers it did not create (their fields before and after), so
-- that undoing the upload puts them back (lib/uploads/undo.ts).
CREATE TABLE "upload_customer_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"upload_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upload_item_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"upload_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "upload_customer_changes" ADD CONSTRAINT "upload_customer_changes_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_customer_changes" ADD CONSTRAINT "upload_customer_changes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_item_changes" ADD CONSTRAINT "upload_item_changes_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_item_changes" ADD CONSTRAINT "upload_item_changes_item_id_subscription_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."subscription_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "upload_customer_changes_upload_customer_idx" ON "upload_customer_changes" USING btree ("upload_id","customer_id");--> statement-breakpoint
CREATE INDEX "upload_customer_changes_customer_idx" ON "upload_customer_changes" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "upload_item_changes_upload_item_idx" ON "upload_item_changes" USING btree ("upload_id","item_id");--> statement-breakpoint
CREATE INDEX "upload_item_changes_item_idx" ON "upload_item_changes" USING btree ("item_id","seq");
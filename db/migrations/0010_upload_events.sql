ALTER TYPE "public"."upload_kind" ADD VALUE 'events';--> statement-breakpoint
ALTER TABLE "product_events" ADD COLUMN "source_upload_id" uuid;--> statement-breakpoint
ALTER TABLE "product_events" ADD CONSTRAINT "product_events_source_upload_id_uploads_id_fk" FOREIGN KEY ("source_upload_id") REFERENCES "public"."uploads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_events_source_upload_idx" ON "product_events" USING btree ("source_upload_id") WHERE "product_events"."source_upload_id" IS NOT NULL;
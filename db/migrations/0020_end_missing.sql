-- A file that lists every live subscription ends the earlier uploads' items it leaves out
-- (lib/uploads/import-sql.ts, endMissingItems): the items each batch saw, and how many were ended.
CREATE TABLE "upload_seen_items" (
	"upload_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	CONSTRAINT "upload_seen_items_upload_id_item_id_pk" PRIMARY KEY("upload_id","item_id")
);
--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "items_ended" integer;--> statement-breakpoint
ALTER TABLE "upload_seen_items" ADD CONSTRAINT "upload_seen_items_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;
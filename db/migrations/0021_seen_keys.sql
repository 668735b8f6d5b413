-- A full export's import records the item keys each batch lists as one array per batch, not a row per
-- item: a row per item (its id looked up by key) cost the import 11–73 s per million rows
-- (lib/uploads/import-sql.ts, recordSeenKeys). An import interrupted across the upgrade keeps what it had
-- seen, as one row before its first batch (from_record -1).
CREATE TABLE "upload_seen_keys" (
	"upload_id" uuid NOT NULL,
	"from_record" integer NOT NULL,
	"keys" text[] NOT NULL,
	CONSTRAINT "upload_seen_keys_upload_id_from_record_pk" PRIMARY KEY("upload_id","from_record")
);
--> statement-breakpoint
INSERT INTO "upload_seen_keys" ("upload_id", "from_record", "keys")
SELECT s."upload_id", -1, array_agg(i."external_id") FROM "upload_seen_items" s
JOIN "subscription_items" i ON i."id" = s."item_id" AND i."external_id" IS NOT NULL
GROUP BY s."upload_id";--> statement-breakpoint
DROP TABLE "upload_seen_items" CASCADE;--> statement-breakpoint
ALTER TABLE "upload_seen_keys" ADD CONSTRAINT "upload_seen_keys_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;

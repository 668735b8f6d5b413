-- A full export's import records the item keys each batch lists, not the items' ids: storing the staged
-- keys needs no lookup of each in subscription_items (lib/uploads/import-sql.ts, recordSeenKeys). An
-- import interrupted across the upgrade keeps what it had seen, as keys.
CREATE TABLE "upload_seen_keys" (
	"upload_id" uuid NOT NULL,
	"key" text NOT NULL,
	CONSTRAINT "upload_seen_keys_upload_id_key_pk" PRIMARY KEY("upload_id","key")
);
--> statement-breakpoint
INSERT INTO "upload_seen_keys" ("upload_id", "key")
SELECT s."upload_id", i."external_id" FROM "upload_seen_items" s
JOIN "subscription_items" i ON i."id" = s."item_id" AND i."external_id" IS NOT NULL
ON CONFLICT DO NOTHING;--> statement-breakpoint
DROP TABLE "upload_seen_items" CASCADE;--> statement-breakpoint
ALTER TABLE "upload_seen_keys" ADD CONSTRAINT "upload_seen_keys_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;

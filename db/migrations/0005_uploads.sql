CREATE TYPE "public"."upload_kind" AS ENUM('subscriptions', 'customers');--> statement-breakpoint
CREATE TYPE "public"."upload_status" AS ENUM('uploaded', 'queued', 'importing', 'complete', 'failed');--> statement-breakpoint
CREATE TABLE "upload_chunks" (
	"upload_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"org_id" uuid NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "upload_chunks_upload_id_seq_pk" PRIMARY KEY("upload_id","seq")
);
--> statement-breakpoint
CREATE TABLE "upload_rejections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"upload_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"column" text,
	"field" text,
	"value" text,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upload_touched_customers" (
	"upload_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	CONSTRAINT "upload_touched_customers_upload_id_customer_id_pk" PRIMARY KEY("upload_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"created_by" uuid,
	"filename" text NOT NULL,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"sha256" text,
	"content_type" text,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"kind" "upload_kind",
	"status" "upload_status" DEFAULT 'uploaded' NOT NULL,
	"mapping" jsonb,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_imported" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"rows_unchanged" integer DEFAULT 0 NOT NULL,
	"bytes_processed" bigint DEFAULT 0 NOT NULL,
	"records_done" integer DEFAULT 0 NOT NULL,
	"read_complete" boolean DEFAULT false NOT NULL,
	"error" text,
	"queued_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "source_upload_id" uuid;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "source_upload_id" uuid;--> statement-breakpoint
ALTER TABLE "upload_chunks" ADD CONSTRAINT "upload_chunks_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_chunks" ADD CONSTRAINT "upload_chunks_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_rejections" ADD CONSTRAINT "upload_rejections_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_rejections" ADD CONSTRAINT "upload_rejections_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_touched_customers" ADD CONSTRAINT "upload_touched_customers_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "upload_rejections_upload_idx" ON "upload_rejections" USING btree ("upload_id","line","id");--> statement-breakpoint
CREATE UNIQUE INDEX "uploads_org_sha256_idx" ON "uploads" USING btree ("org_id","sha256");--> statement-breakpoint
CREATE INDEX "uploads_org_created_idx" ON "uploads" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "customers_upload_idx" ON "customers" USING btree ("source_upload_id");
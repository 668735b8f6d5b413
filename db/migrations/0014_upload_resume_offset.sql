ALTER TABLE "uploads" ADD COLUMN "resume_offset" bigint;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "resume_line" integer;
CREATE TABLE "event_user_days" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "event_user_days_org_id_day_user_id_pk" PRIMARY KEY("org_id","day","user_id")
);
--> statement-breakpoint
CREATE TABLE "event_users" (
	"org_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"first_day" date NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"activated_day" date,
	CONSTRAINT "event_users_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "product_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"external_id" text,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"customer_id" text,
	"properties" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_user_days" ADD CONSTRAINT "event_user_days_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_users" ADD CONSTRAINT "event_users_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_events" ADD CONSTRAINT "product_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_user_days_user_idx" ON "event_user_days" USING btree ("org_id","user_id","day");--> statement-breakpoint
CREATE INDEX "event_users_first_day_idx" ON "event_users" USING btree ("org_id","first_day");--> statement-breakpoint
CREATE UNIQUE INDEX "product_events_org_external_idx" ON "product_events" USING btree ("org_id","external_id");--> statement-breakpoint
CREATE INDEX "product_events_org_day_idx" ON "product_events" USING btree ("org_id","day");
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const jobStatusEnum = pgEnum("job_status", JOB_STATUSES);

/** One row per function run, written by both executors (Inngest and the in-process runner). */
export const jobRuns = pgTable(
  "job_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Inngest's run id, or the in-process runner's own; unique so re-invocations update one row. */
    runId: text("run_id").notNull().unique(),
    functionId: text("function_id").notNull(),
    eventName: text("event_name"),
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    executor: text("executor").notNull(),
    status: jobStatusEnum("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    eventData: jsonb("event_data").$type<Record<string, unknown>>(),
    output: jsonb("output"),
    error: text("error"),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
  },
  (t) => [index("job_runs_org_idx").on(t.orgId, t.queuedAt), index("job_runs_function_idx").on(t.functionId)],
);

export type JobRun = typeof jobRuns.$inferSelect;

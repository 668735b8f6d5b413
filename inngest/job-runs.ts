import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobRuns, organizations } from "@/db/schema";

/*
 * job_runs bookkeeping shared by both executors. Every write is an upsert keyed by run id: Inngest calls
 * the handler once per step (and again per retry), the runner once per attempt, and each call must land
 * on the same row. Timestamps come from the database clock so durations never mix two clocks.
 */

export type Executor = "inngest" | "in-process";

export type RunRef = {
  runId: string;
  functionId: string;
  executor: Executor;
  event: { name: string; data?: Record<string, unknown> };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `event.data.orgId` when it looks like an org id; anything else is not an org. */
export function orgIdOf(data: Record<string, unknown> | undefined): string | null {
  const orgId = data?.orgId;
  return typeof orgId === "string" && UUID.test(orgId) ? orgId : null;
}

// The org only if it exists: a run for a deleted org (or a made-up id) is still recorded, just unattached,
// instead of failing the foreign key and with it the job.
function orgRef(data: Record<string, unknown> | undefined) {
  const orgId = orgIdOf(data);
  return orgId
    ? sql`(select ${organizations.id} from ${organizations} where ${organizations.id} = ${orgId})`
    : null;
}

function baseRow(ref: RunRef) {
  return {
    runId: ref.runId,
    functionId: ref.functionId,
    executor: ref.executor,
    eventName: ref.event.name,
    eventData: ref.event.data ?? {},
    orgId: orgRef(ref.event.data),
  };
}

/**
 * The runner accepted an event: the run exists before it starts (a busy concurrency slot keeps it here).
 * False when the run id is already taken, i.e. this run was queued before and must not run again.
 */
export async function recordQueued(db: Db, ref: RunRef): Promise<boolean> {
  const rows = await db
    .insert(jobRuns)
    .values({ ...baseRow(ref), status: "queued" })
    .onConflictDoNothing({ target: jobRuns.runId })
    .returning({ id: jobRuns.id });
  return rows.length > 0;
}

/** An invocation began: running, attempts raised to `attempts` (never lowered), first start kept. */
export async function recordStarted(db: Db, ref: RunRef & { attempts: number }): Promise<void> {
  await db
    .insert(jobRuns)
    .values({ ...baseRow(ref), status: "running", attempts: ref.attempts, startedAt: sql`now()` })
    .onConflictDoUpdate({
      target: jobRuns.runId,
      set: {
        // A late invocation (parallel steps) must not reopen a finished run.
        status: sql`case when ${jobRuns.status} in ('succeeded', 'failed') then ${jobRuns.status} else 'running'::job_status end`,
        attempts: sql`greatest(${jobRuns.attempts}, excluded.attempts)`,
        startedAt: sql`coalesce(${jobRuns.startedAt}, excluded.started_at)`,
      },
    });
}

type Finish = { status: "succeeded"; output: unknown } | { status: "failed"; error: unknown };

/** The run ended: status, output or error text, finish time and duration since the first start. */
export async function recordFinished(db: Db, ref: RunRef & { attempts?: number } & Finish): Promise<void> {
  const output = ref.status === "succeeded" ? toJson(ref.output) : null;
  const error = ref.status === "failed" ? formatError(ref.error) : null;
  await db
    .insert(jobRuns)
    .values({
      ...baseRow(ref),
      status: ref.status,
      attempts: ref.attempts ?? 1,
      output,
      error,
      startedAt: sql`now()`,
      finishedAt: sql`now()`,
      durationMs: 0,
    })
    .onConflictDoUpdate({
      target: jobRuns.runId,
      set: {
        status: sql`excluded.status`,
        attempts: sql`greatest(${jobRuns.attempts}, excluded.attempts)`,
        output: sql`excluded.output`,
        error: sql`excluded.error`,
        finishedAt: sql`now()`,
        // Whole milliseconds on both ends, so it equals finishedAt - startedAt as JavaScript reads them.
        durationMs: sql`(extract(epoch from date_trunc('milliseconds', now())
          - date_trunc('milliseconds', coalesce(${jobRuns.startedAt}, ${jobRuns.queuedAt}))) * 1000)::int`,
      },
    });
}

/** What a step result or run output looks like after a trip through JSON, as Inngest stores it. */
export function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) ?? null;
  } catch {
    return String(value); // BigInt, cycles: keep something readable rather than lose the run
  }
}

/** `Error: message`, prefixed with the step when a step exhausted its attempts. */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === "string" ? error : JSON.stringify(toJson(error));
  const text = `${error.name}: ${error.message}`;
  const stepId = (error as { stepId?: unknown }).stepId;
  return typeof stepId === "string" ? `step "${stepId}" failed: ${text}` : text;
}

/**
 * In-process runs live in the app's memory: after a restart, rows it left queued or running can never
 * finish. Marks them failed so the jobs page and the snapshot's job stats tell the truth.
 */
export async function failInterruptedRuns(db: Db): Promise<number> {
  const rows = await db
    .update(jobRuns)
    .set({
      status: "failed",
      error: "interrupted: the app restarted before this in-process run finished",
      finishedAt: sql`now()`,
    })
    .where(and(eq(jobRuns.executor, "in-process"), inArray(jobRuns.status, ["queued", "running"])))
    .returning({ id: jobRuns.id });
  return rows.length;
}

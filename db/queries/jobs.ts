import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobRuns } from "@/db/schema";

/** An org's most recent job runs, newest first. */
export async function listJobRuns(db: Db, { orgId, limit = 50 }: { orgId: string; limit?: number }) {
  return db
    .select({
      id: jobRuns.id,
      functionId: jobRuns.functionId,
      status: jobRuns.status,
      attempts: jobRuns.attempts,
      executor: jobRuns.executor,
      queuedAt: jobRuns.queuedAt,
      durationMs: jobRuns.durationMs,
      error: jobRuns.error,
    })
    .from(jobRuns)
    .where(eq(jobRuns.orgId, orgId))
    .orderBy(desc(jobRuns.queuedAt))
    .limit(limit);
}

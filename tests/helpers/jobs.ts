import { eq } from "drizzle-orm";
import { eventType } from "inngest";
import { afterAll, beforeAll } from "vitest";
import { z } from "zod";
import type { DbHandle } from "@/db/client";
import { jobRuns, organizations } from "@/db/schema";
import type { Job, JobLogger } from "@/inngest/define-job";
import { createRunner } from "@/inngest/runner";
import { createTestDb } from "./db";

/**
 * Shared set-up of the runner test files: a fresh database with one org, a logger that keeps warnings
 * and errors in `logs`, a runner factory with fast backoff, and a reader of job_runs rows.
 */
export function setupRunnerTestDb(onReady: (handle: DbHandle, orgId: string) => void) {
  let handle: DbHandle | undefined;
  const logs: string[] = [];
  const logger: JobLogger = {
    info: () => {},
    debug: () => {},
    warn: (...args) => logs.push(args.join(" ")),
    error: (...args) => logs.push(args.join(" ")),
  };
  beforeAll(async () => {
    handle = await createTestDb();
    const [org] = await handle.db.insert(organizations).values({ slug: "acme", name: "Acme" }).returning();
    if (!org) throw new Error("no org");
    onReady(handle, org.id);
  });
  afterAll(async () => handle?.close());

  const db = () => {
    if (!handle) throw new Error("the test database is not ready yet");
    return handle.db;
  };
  return {
    logs,
    logger,
    runnerWith: (jobs: Job[], backoffMs = 10) => createRunner({ db: db(), jobs, backoffMs, logger }),
    rowOf: async (runId: string) => {
      const [row] = await db().select().from(jobRuns).where(eq(jobRuns.runId, runId));
      if (!row) throw new Error(`no job_runs row for ${runId}`);
      return row;
    },
  };
}

export const orgEvent = (name: string) => eventType(name, { schema: z.object({ orgId: z.uuid() }) });

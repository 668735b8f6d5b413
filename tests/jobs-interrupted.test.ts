import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { jobRuns } from "@/db/schema";
import { failInterruptedRuns } from "@/inngest/job-runs";
import { createTestDb } from "./helpers/db";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe("failInterruptedRuns", () => {
  it("fails the in-process runs a restart orphaned, and leaves finished and Inngest runs alone", async () => {
    const base = { functionId: "ping", eventName: "meridian/ping" };
    await h.db.insert(jobRuns).values([
      { ...base, runId: "a", executor: "in-process", status: "queued" },
      { ...base, runId: "b", executor: "in-process", status: "running" },
      { ...base, runId: "c", executor: "in-process", status: "succeeded" },
      { ...base, runId: "d", executor: "inngest", status: "running" },
    ]);
    expect(await failInterruptedRuns(h.db)).toBe(2);
    const rows = await h.db
      .select({ runId: jobRuns.runId, status: jobRuns.status, error: jobRuns.error })
      .from(jobRuns)
      .orderBy(jobRuns.runId);
    expect(rows.map((r) => `${r.runId}:${r.status}`)).toEqual([
      "a:failed",
      "b:failed",
      "c:succeeded",
      "d:running",
    ]);
    expect(rows[0]?.error).toMatch(/interrupted/);
  });
});

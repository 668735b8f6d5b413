import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { jobRuns, organizations } from "@/db/schema";
import { createRunner } from "@/inngest/runner";
import { createTestDb } from "./helpers/db";

/*
 * The app-facing API in ./inngest/index.ts and the route: events go to the in-process runner unless
 * Inngest is configured. env() is read once per module instance, so each mode gets fresh modules.
 */

let handle: DbHandle;
let orgId: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "meridian-jobs-"));
  handle = await createTestDb();
  const [org] = await handle.db.insert(organizations).values({ slug: "acme", name: "Acme" }).returning();
  orgId = org!.id;
});
afterAll(async () => {
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  vi.resetModules();
  vi.unstubAllEnvs();
  // Keep env() away from the developer's .data directory and any real keys.
  vi.stubEnv("MERIDIAN_DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "a".repeat(32));
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("INNGEST_EVENT_KEY", "");
  vi.stubEnv("INNGEST_SIGNING_KEY", "");
  vi.stubEnv("INNGEST_DEV", "");
});

const inngestRequest = () => new NextRequest("http://localhost/api/inngest");

describe("without Inngest", () => {
  it("runs sent events in-process and records them", async () => {
    const jobsModule = await import("@/inngest");
    jobsModule.setRunner(createRunner({ db: handle.db, jobs: jobsModule.jobs, backoffMs: 10 }));
    try {
      const { ids } = await jobsModule.sendEvent(jobsModule.pingRequested.create({ orgId }));
      expect(ids).toHaveLength(1);
      await jobsModule.getRunner().waitForIdle();
      const [row] = await handle.db
        .select()
        .from(jobRuns)
        .where(eq(jobRuns.runId, `${ids[0]}:ping`));
      expect(row).toMatchObject({
        functionId: "ping",
        executor: "in-process",
        status: "succeeded",
        orgId,
        output: { pong: true, orgId, organizations: 1, orgFound: true },
      });
      expect(await jobsModule.startJobs()).toEqual({ mode: "in-process" });
    } finally {
      jobsModule.setRunner(undefined);
    }
  });

  it("rejects an invalid or unknown event at the caller", async () => {
    const { sendEvent } = await import("@/inngest");
    await expect(sendEvent({ name: "meridian/ping", data: { orgId: "acme" } })).rejects.toThrow(
      /Invalid data for event "meridian\/ping": orgId: /,
    );
    await expect(sendEvent({ name: "nope/never" } as never)).rejects.toThrow(/Unknown event "nope\/never"/);
  });

  it("answers 404 on /api/inngest", async () => {
    const route = await import("@/app/api/inngest/route");
    const response = await route.PUT(inngestRequest(), {});
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/jobs run in-process/) });
  });
});

describe("with Inngest (INNGEST_DEV=1)", () => {
  it("sends events to Inngest and starts no scheduler", async () => {
    vi.stubEnv("INNGEST_DEV", "1");
    const { inngest } = await import("@/inngest/client");
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["evt-from-inngest"] });
    const jobsModule = await import("@/inngest");
    const event = jobsModule.pingRequested.create({ orgId });

    expect(await jobsModule.sendEvent(event)).toEqual({ ids: ["evt-from-inngest"] });
    expect(send).toHaveBeenCalledWith([event]);
    expect(await jobsModule.startJobs()).toEqual({ mode: "inngest" });
  });

  it("serves the function list on /api/inngest", async () => {
    vi.stubEnv("INNGEST_DEV", "1");
    const route = await import("@/app/api/inngest/route");
    const response = await route.GET(inngestRequest(), {});
    expect(response.status).toBe(200);
    // Every job, plus the failure handler each registers to record failed runs.
    const { jobs } = await import("@/inngest");
    expect(await response.json()).toMatchObject({ function_count: 2 * jobs.length, mode: "dev" });
  });
});

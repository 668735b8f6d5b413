import { createHash } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { eventType } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DbHandle } from "@/db/client";
import { jobRuns, organizations } from "@/db/schema";
import { defineJob, setInngestDb } from "@/inngest/define-job";
import { ping } from "@/inngest/functions/ping";
import { createTestDb } from "./helpers/db";

/*
 * The Inngest path, through Inngest's own execution engine (@inngest/test), on a real database. Its
 * limits shape these tests: no retries are modelled, onFailure is not run, step.sleep and
 * step.sendEvent must be mocked by step id (a sleep would pause forever, a send would call Inngest),
 * and an engine memoises mocked steps across executions, hence a fresh engine per test.
 */

let handle: DbHandle;
let orgId: string;

beforeAll(async () => {
  handle = await createTestDb();
  setInngestDb(handle.db);
  const [org] = await handle.db.insert(organizations).values({ slug: "acme", name: "Acme" }).returning();
  orgId = org!.id;
});
afterAll(async () => {
  setInngestDb(undefined);
  await handle?.close();
});

// With inngest v4, @inngest/test keys `state` by the hashed step id (its README still shows plain ids).
const hashed = (stepId: string) => createHash("sha1").update(stepId).digest("hex");

const rowOf = async (runId: string) => {
  const [row] = await handle.db.select().from(jobRuns).where(eq(jobRuns.runId, runId));
  if (!row) throw new Error(`no job_runs row for ${runId}`);
  return row;
};

describe("ping on Inngest", () => {
  it("returns the database check and records one succeeded run", async () => {
    const t = new InngestTestEngine({
      function: ping.fn,
      events: [{ name: "meridian/ping", data: { orgId } }],
    });
    const { result, ctx, state } = await t.execute();

    expect(result).toEqual({ pong: true, orgId, organizations: 1, orgFound: true });
    expect(ctx.step.run).toHaveBeenCalledTimes(1);
    expect(ctx.step.run).toHaveBeenCalledWith("check-database", expect.any(Function));
    await expect(state[hashed("check-database")]).resolves.toEqual({ organizations: 1, orgFound: true });

    const row = await rowOf(ctx.runId);
    expect(row).toMatchObject({
      functionId: "ping",
      executor: "inngest",
      eventName: "meridian/ping",
      orgId,
      status: "succeeded",
      attempts: 1,
      error: null,
      output: { pong: true, orgId, organizations: 1, orgFound: true },
    });
    expect(row.durationMs).toBe(row.finishedAt!.getTime() - row.startedAt!.getTime());
  });

  it("reports an unknown org as not found, and records no org on the run", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    const t = new InngestTestEngine({
      function: ping.fn,
      events: [{ name: "meridian/ping", data: { orgId: unknown } }],
    });
    const { result, ctx } = await t.execute();
    expect(result).toEqual({ pong: true, orgId: unknown, organizations: 1, orgFound: false });
    expect(await rowOf(ctx.runId)).toMatchObject({ status: "succeeded", orgId: null });
  });

  it("lets a step's result be mocked", async () => {
    const t = new InngestTestEngine({ function: ping.fn, events: [{ name: "meridian/ping", data: {} }] });
    const { result } = await t.execute({
      steps: [{ id: "check-database", handler: () => ({ organizations: 7, orgFound: null }) }],
    });
    expect(result).toEqual({ pong: true, orgId: null, organizations: 7, orgFound: null });
  });
});

describe("a job using sleep and sendEvent on Inngest", () => {
  const reminder = eventType("test/reminder", { schema: z.object({ orgId: z.uuid() }) });
  const notify = eventType("test/notify", { schema: z.object({ orgId: z.uuid(), reason: z.string() }) });
  const remind = defineJob({ id: "remind", trigger: reminder }, async ({ event, step }) => {
    await step.sleep("wait-a-day", "1d");
    const { ids } = await step.sendEvent(
      "notify",
      notify.create({ orgId: event.data.orgId, reason: "reminder" }),
    );
    return { sent: ids };
  });

  it("calls the step tools with the right ids and arguments", async () => {
    const t = new InngestTestEngine({
      function: remind.fn,
      events: [{ name: "test/reminder", data: { orgId } }],
    });
    const { result, ctx } = await t.execute({
      steps: [
        { id: "wait-a-day", handler: () => null },
        { id: "notify", handler: () => ({ ids: ["evt-1"] }) },
      ],
    });
    expect(result).toEqual({ sent: ["evt-1"] });
    expect(ctx.step.sleep).toHaveBeenCalledWith("wait-a-day", "1d");
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "notify",
      expect.objectContaining({ name: "test/notify", data: { orgId, reason: "reminder" } }),
    );
    expect(await rowOf(ctx.runId)).toMatchObject({ functionId: "remind", status: "succeeded", orgId });
  });
});

describe("failures on Inngest", () => {
  it("records a failure thrown on the last attempt", async () => {
    const broken = eventType("test/broken");
    const job = defineJob({ id: "broken", trigger: broken, retries: 0 }, async () => {
      throw new Error("config missing");
    });
    const t = new InngestTestEngine({ function: job.fn, events: [{ name: "test/broken", data: {} }] });
    const { error, ctx } = await t.execute();
    expect(error).toMatchObject({ message: "config missing" });
    expect(await rowOf(ctx.runId)).toMatchObject({
      functionId: "broken",
      status: "failed",
      attempts: 1,
      error: "Error: config missing",
    });
  });

  it("records the failure and calls the job's onFailure from Inngest's failure handler", async () => {
    const flaky = eventType("test/flaky", { schema: z.object({ orgId: z.uuid() }) });
    const seen: string[] = [];
    const job = defineJob(
      {
        id: "flaky",
        trigger: flaky,
        onFailure: async ({ event, error, runId }) => {
          seen.push(`${runId} ${event.data.orgId} ${error.message}`);
        },
      },
      async () => "never",
    );
    // @inngest/test cannot run onFailure, so call the handler Inngest registers, with the context it
    // would pass: the inngest/function.failed event naming the original run and event.
    const onFailure = job.fn.opts.onFailure as (ctx: unknown) => Promise<void>;
    const original = { name: "test/flaky", data: { orgId } };
    const error = new Error("gave up after 4 attempts");
    await onFailure({
      event: {
        name: "inngest/function.failed",
        data: {
          function_id: "meridian-flaky",
          run_id: "01JRUN",
          error: { name: "Error", message: error.message },
          event: original,
        },
      },
      error,
      runId: "01JFAILURE",
      step: {},
      logger: console,
    });

    expect(seen).toEqual([`01JRUN ${orgId} gave up after 4 attempts`]);
    expect(await rowOf("01JRUN")).toMatchObject({
      functionId: "flaky",
      executor: "inngest",
      status: "failed",
      orgId,
      error: "Error: gave up after 4 attempts",
    });
  });
});

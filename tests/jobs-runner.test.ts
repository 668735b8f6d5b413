import { eventType, NonRetriableError } from "inngest";
import { describe, expect, it } from "vitest";
import { defineJob } from "@/inngest/define-job";
import { orgEvent, setupRunnerTestDb } from "./helpers/jobs";

// The in-process runner's step semantics against a real database, with jobs defined here so each
// behaviour is isolated. Events, sleep, cron and the real ping job: jobs-runner-events.test.ts.

let orgId: string;
const { logs, runnerWith, rowOf } = setupRunnerTestDb((_handle, id) => {
  orgId = id;
});

describe("step.run", () => {
  it("memoises succeeded steps while a later step is retried with exponential backoff", async () => {
    const requested = orgEvent("test/memo");
    const effects: number[] = [];
    const flakyAt: number[] = [];
    const job = defineJob({ id: "memo", trigger: requested }, async ({ step, event }) => {
      const first = await step.run("side-effect", () => {
        effects.push(Date.now());
        return { value: 41, at: new Date("2025-01-02T03:04:05Z") };
      });
      const second = await step.run("flaky", () => {
        flakyAt.push(Date.now());
        if (flakyAt.length < 3) throw new Error(`flaky #${flakyAt.length}`);
        return first.value + 1;
      });
      return { orgId: event.data.orgId, second, at: first.at };
    });
    const runner = runnerWith([job], 40);
    const { runIds } = await runner.send(requested.create({ orgId }));
    expect(runIds).toHaveLength(1);
    const result = await runner.waitForRun(runIds[0]!);

    expect(effects).toHaveLength(1);
    expect(flakyAt).toHaveLength(3);
    // 40 ms, then 80 ms: the base delay doubles for the same step.
    expect(logs.filter((line) => line.includes(runIds[0]!))).toEqual([
      `memo ${runIds[0]} attempt 1 failed; retrying in 40 ms`,
      `memo ${runIds[0]} attempt 2 failed; retrying in 80 ms`,
    ]);
    // Less 2 ms: Node's timers count from the event loop's cached clock, so Date.now() can see a timer
    // fire a millisecond early.
    expect(flakyAt[1]! - flakyAt[0]!).toBeGreaterThanOrEqual(38);
    expect(flakyAt[2]! - flakyAt[1]!).toBeGreaterThanOrEqual(78);
    // Step results went through JSON, as on Inngest: the Date came back as a string.
    expect(result).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(result.status === "succeeded" && result.output).toEqual({
      orgId,
      second: 42,
      at: "2025-01-02T03:04:05.000Z",
    });

    const row = await rowOf(runIds[0]!);
    expect(row).toMatchObject({
      functionId: "memo",
      eventName: "test/memo",
      orgId,
      executor: "in-process",
      status: "succeeded",
      attempts: 3,
      error: null,
      output: { orgId, second: 42, at: "2025-01-02T03:04:05.000Z" },
      eventData: { orgId },
    });
    expect(row.startedAt!.getTime()).toBeGreaterThanOrEqual(row.queuedAt.getTime());
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt!.getTime());
    expect(row.durationMs).toBe(row.finishedAt!.getTime() - row.startedAt!.getTime());
    expect(row.durationMs).toBeGreaterThanOrEqual(120);
  });

  it("fails the run after the last attempt, records the error and calls onFailure", async () => {
    const requested = orgEvent("test/doomed");
    let calls = 0;
    const failures: string[] = [];
    const job = defineJob(
      {
        id: "doomed",
        trigger: requested,
        retries: 2,
        onFailure: async ({ error, event, runId }) => {
          failures.push(`${runId} ${event.data.orgId} ${error.message}`);
        },
      },
      async ({ step }) => {
        await step.run("always-fails", () => {
          calls++;
          throw new Error(`boom #${calls}`);
        });
        return "unreachable";
      },
    );
    const runner = runnerWith([job]);
    const { runIds } = await runner.send(requested.create({ orgId }));
    const result = await runner.waitForRun(runIds[0]!);

    expect(calls).toBe(3);
    expect(result).toMatchObject({ status: "failed", attempts: 3 });
    expect(failures).toEqual([`${runIds[0]} ${orgId} boom #3`]);
    const row = await rowOf(runIds[0]!);
    expect(row).toMatchObject({ status: "failed", attempts: 3, output: null, orgId });
    expect(row.error).toBe('step "always-fails" failed: Error: boom #3');
    expect(row.finishedAt).not.toBeNull();
  });

  it("lets the handler catch a step that ran out of attempts", async () => {
    const requested = eventType("test/catch");
    let calls = 0;
    const job = defineJob({ id: "catcher", trigger: requested, retries: 1 }, async ({ step }) => {
      try {
        await step.run("fails", () => {
          calls++;
          throw new Error("nope");
        });
      } catch (error) {
        return await step.run("fallback", () => `recovered from ${(error as Error).message}`);
      }
    });
    const runner = runnerWith([job]);
    const { runIds } = await runner.send(requested.create());
    expect(await runner.waitForRun(runIds[0]!)).toMatchObject({
      status: "succeeded",
      output: "recovered from nope",
    });
    expect(calls).toBe(2);
  });

  it("does not retry a NonRetriableError", async () => {
    const requested = eventType("test/non-retriable");
    let calls = 0;
    const job = defineJob({ id: "non-retriable", trigger: requested }, async ({ step }) =>
      step.run("refuse", () => {
        calls++;
        throw new NonRetriableError("upload is gone");
      }),
    );
    const runner = runnerWith([job]);
    const { runIds } = await runner.send(requested.create());
    const result = await runner.waitForRun(runIds[0]!);
    expect(calls).toBe(1);
    expect(result).toMatchObject({ status: "failed", attempts: 1 });
    expect((await rowOf(runIds[0]!)).error).toBe('step "refuse" failed: NonRetriableError: upload is gone');
  });

  it("retries an error thrown outside any step, and repeated step ids get their own memo slot", async () => {
    const requested = eventType("test/body");
    let invocations = 0;
    const seen: number[] = [];
    const job = defineJob({ id: "body", trigger: requested }, async ({ step, attempt }) => {
      invocations++;
      let total = 0;
      for (const n of [1, 2, 3]) {
        total += await step.run("add", () => {
          seen.push(n);
          return n;
        });
      }
      if (attempt === 0) throw new Error("not yet");
      return total;
    });
    const runner = runnerWith([job]);
    const { runIds } = await runner.send(requested.create());
    expect(await runner.waitForRun(runIds[0]!)).toMatchObject({
      status: "succeeded",
      output: 6,
      attempts: 2,
    });
    expect(invocations).toBe(2);
    expect(seen).toEqual([1, 2, 3]);
  });
});

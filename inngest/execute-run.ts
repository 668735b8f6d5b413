import { setTimeout as delay } from "node:timers/promises";
import { durationToMs, NonRetriableError, StepError } from "inngest";
import type { Db } from "@/db/client";
import type { Job, JobEvent, JobLogger, JobStep } from "./define-job";
import { type EventPayload, validateEventData } from "./events";
import { type RunRef, recordFinished, recordStarted, toJson } from "./job-runs";

/*
 * One in-process run, modelled on how Inngest executes a function: the handler is invoked, steps that
 * already succeeded replay their memoised (JSON) result, and a step that throws abandons the invocation;
 * after a backoff the handler is invoked again from the top. Each step (and the handler body) gets
 * `maxAttempts` tries; a step out of tries is thrown into the handler as a StepError, which the handler
 * may catch, and which fails the run if it escapes (no further retries, as on Inngest).
 */

export type RunResult =
  | { runId: string; functionId: string; status: "succeeded"; output: unknown; attempts: number }
  | { runId: string; functionId: string; status: "failed"; error: Error; attempts: number };

export type ExecuteRunOptions = {
  db: Db;
  job: Job;
  runId: string;
  event: JobEvent<Record<string, unknown>>;
  /** First retry delay; each further retry of the same step doubles it, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** step.sendEvent lands here: the runner's own send. */
  dispatch: (events: EventPayload[]) => Promise<{ ids: string[] }>;
  logger: JobLogger;
};

type Memo = { data: unknown } | { error: Error };
type Outcome =
  | { kind: "returned"; output: unknown }
  | { kind: "threw"; error: unknown }
  | { kind: "step-failed"; tries: number };

const BODY = Symbol("handler body");

export async function executeRun(o: ExecuteRunOptions): Promise<RunResult> {
  const { db, job, runId, logger } = o;
  const ref: RunRef = { runId, functionId: job.id, executor: "in-process", event: o.event };
  const memo = new Map<string, Memo>();
  const tries = new Map<string | typeof BODY, number>(); // executions so far, per step and for the body
  const attempts = () => Math.max(1, ...tries.values());
  // Bookkeeping must not take the run down with it; a broken database fails the steps anyway.
  const record = (write: Promise<void>) =>
    write.catch((error: unknown) => logger.error("could not record the run in job_runs", error));

  let event = o.event; // replaced by the validated data before the first invocation
  const finish = async (result: RunResult): Promise<RunResult> => {
    if (result.status === "succeeded") await record(recordFinished(db, { ...ref, ...result }));
    else {
      logger.error(`failed after ${result.attempts} attempt(s)`, result.error);
      await record(recordFinished(db, { ...ref, ...result }));
      if (job.onFailure) {
        const failure = {
          event,
          error: result.error,
          runId,
          db,
          logger,
          step: inertStep(o.dispatch),
        };
        await job.onFailure(failure).catch((error: unknown) => logger.error("onFailure threw", error));
      }
    }
    return result;
  };

  try {
    if (!("cron" in job.trigger))
      event = { ...event, data: await validateEventData(job.trigger, event.data) };
  } catch (error) {
    return finish({ runId, functionId: job.id, status: "failed", error: asError(error), attempts: 1 });
  }

  let attempt = 0; // zero-based attempt of whatever is being retried, as Inngest's ctx.attempt
  tries.set(BODY, 1);
  for (;;) {
    await record(recordStarted(db, { ...ref, attempts: Math.max(attempts(), attempt + 1) }));
    const outcome = await invoke({ ...o, event }, attempt, memo, tries);
    if (outcome.kind === "returned") {
      return finish({
        runId,
        functionId: job.id,
        status: "succeeded",
        output: outcome.output,
        attempts: attempts(),
      });
    }
    let failures: number;
    if (outcome.kind === "step-failed") failures = outcome.tries;
    else {
      failures = tries.get(BODY) ?? 1;
      const final =
        failures >= job.maxAttempts || isNonRetriable(outcome.error) || outcome.error instanceof StepError;
      if (final) {
        return finish({
          runId,
          functionId: job.id,
          status: "failed",
          error: asError(outcome.error),
          attempts: attempts(),
        });
      }
      tries.set(BODY, failures + 1);
    }
    attempt = failures;
    const wait = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (failures - 1));
    logger.warn(`attempt ${failures} failed; retrying in ${wait} ms`);
    await delay(wait);
  }
}

/** One call of the handler; resolves when it settles or when a step failure abandons it. */
async function invoke(
  o: ExecuteRunOptions,
  attempt: number,
  memo: Map<string, Memo>,
  tries: Map<string | typeof BODY, number>,
): Promise<Outcome> {
  let abandoned = false;
  let abandon: (outcome: Outcome) => void = () => {};
  const abandonment = new Promise<Outcome>((resolve) => {
    abandon = resolve;
  });
  const inflight: Promise<unknown>[] = [];
  const seen = new Map<string, number>();
  // Inngest's rule for a repeated id (a step in a loop): the nth use is "id:n".
  const keyOf = (id: string) => {
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : `${id}:${n}`;
  };
  // What an abandoned invocation's steps return: they never settle, so its remaining code never runs.
  const hang = () => new Promise<never>(() => {});

  const runStep = async <T>(id: string, fn: () => T | Promise<T>): Promise<unknown> => {
    if (abandoned) return hang();
    const key = keyOf(id);
    const hit = memo.get(key);
    if (hit) {
      if ("error" in hit) throw hit.error;
      return structuredClone(hit.data); // a fresh copy per replay, like Inngest's deserialised state
    }
    const count = (tries.get(key) ?? 0) + 1;
    tries.set(key, count);
    const execution = Promise.resolve().then(fn);
    inflight.push(execution.catch(() => {}));
    try {
      const data = toJson(await execution);
      memo.set(key, { data });
      return abandoned ? hang() : structuredClone(data);
    } catch (error) {
      if (count < o.job.maxAttempts && !isNonRetriable(error)) {
        abandoned = true;
        abandon({ kind: "step-failed", tries: count });
        return hang();
      }
      const { name, message, stack } = asError(error);
      const stepError = new StepError(key, { name, message, stack });
      memo.set(key, { error: stepError });
      if (abandoned) return hang();
      throw stepError;
    }
  };

  const waitStep = async (id: string, ms: number): Promise<void> => {
    if (abandoned) return hang();
    const key = keyOf(id);
    if (memo.has(key)) return;
    const waiting = ms > 0 ? delay(ms) : Promise.resolve();
    inflight.push(waiting);
    await waiting;
    memo.set(key, { data: null });
    if (abandoned) return hang();
  };

  const step: JobStep = {
    run: (id, fn) => runStep(id, fn) as never,
    sendEvent: (id, events) =>
      runStep(id, () => o.dispatch(Array.isArray(events) ? events : [events])) as Promise<{ ids: string[] }>,
    sleep: (id, duration) => waitStep(id, durationToMs(duration, { name: `step.sleep("${id}")` })),
    sleepUntil: (id, until) => {
      const at = new Date(until).getTime();
      if (Number.isNaN(at)) throw new Error(`step.sleepUntil("${id}"): "${String(until)}" is not a date`);
      return waitStep(id, at - Date.now());
    },
  };

  const handled = Promise.resolve()
    .then(() => o.job.handler({ event: o.event, step, runId: o.runId, attempt, db: o.db, logger: o.logger }))
    .then(
      (output): Outcome => ({ kind: "returned", output: toJson(output) }),
      (error: unknown): Outcome => ({ kind: "threw", error }),
    );
  const outcome = await Promise.race([handled, abandonment]);
  abandoned = true;
  // Parallel steps still running must land in the memo before the next invocation, or they would run twice.
  await Promise.allSettled(inflight);
  return outcome;
}

// The runner calls onFailure with the run already over: its steps run once, without retries or pauses.
function inertStep(dispatch: ExecuteRunOptions["dispatch"]): JobStep {
  return {
    run: async (_id, fn) => toJson(await fn()) as never,
    sendEvent: (_id, events) => dispatch(Array.isArray(events) ? events : [events]),
    sleep: async () => {},
    sleepUntil: async () => {},
  };
}

function isNonRetriable(error: unknown): boolean {
  return (
    error instanceof NonRetriableError || (error as { name?: unknown } | null)?.name === "NonRetriableError"
  );
}

function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(typeof error === "string" ? error : JSON.stringify(error));
}

import { type GetStepTools, type InngestFunction, NonRetriableError, StepError } from "inngest";
import type { Jsonify } from "inngest/types";
import { type Db, getDb } from "@/db/client";
import { inngest } from "./client";
import { parseCron } from "./cron";
import type { AnyEventType, EventOutput, EventPayload } from "./events";
import { type RunRef, recordFinished, recordStarted } from "./job-runs";

/*
 * One definition, two executors. `defineJob` builds the real Inngest function (served at /api/inngest)
 * and keeps the options and handler so the in-process runner (./runner.ts) can run the very same code
 * when Inngest is not configured. Handlers see a small context both executors can provide: the event,
 * the step tools they actually use, the run id, the database and a logger.
 */

/** Inngest's default: 3 retries, so 4 attempts per step (and per handler body). */
export const DEFAULT_RETRIES = 3;

export type JobEvent<TData> = { name: string; data: TData; id?: string; ts?: number };

export type JobLogger = {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
};

/** What `step.run` resolves to: the result after a JSON round trip (Dates become strings), as stored. */
export type StepResult<T> = Jsonify<Awaited<T> extends undefined ? null : Awaited<T>>;

export type JobStep = {
  /** Runs `fn` at most once per run (memoised by id); a throw is retried with backoff, then rethrown. */
  run<T>(id: string, fn: () => T): Promise<StepResult<T>>;
  /** Sends events from inside a run, once (memoised by id); build them with `someEvent.create(data)`. */
  sendEvent(id: string, events: EventPayload | EventPayload[]): Promise<{ ids: string[] }>;
  /** Pauses the run: milliseconds, or "30s", "5m", "1h30m". */
  sleep(id: string, duration: number | string): Promise<void>;
  sleepUntil(id: string, until: Date | string): Promise<void>;
};

export type JobContext<TData> = {
  event: JobEvent<TData>;
  step: JobStep;
  runId: string;
  /** Zero-based attempt of whatever is being retried (a step, or the handler body). */
  attempt: number;
  /** The database to work on (getDb() in the app, the test database in tests); use it inside steps. */
  db: Db;
  logger: JobLogger;
};

export type FailureContext<TData> = Omit<JobContext<TData>, "attempt"> & { error: Error };

export type CronData = { cron: string };
export type JobTrigger = AnyEventType | { cron: string };
type Retries = NonNullable<InngestFunction.Options["retries"]>;

export type JobOptions = {
  id: string;
  name?: string;
  description?: string;
  /** Retries per step (and per handler body) after the first attempt; 0–20, default 3. */
  retries?: Retries;
  /** Runs at once per function, optionally per key ("event.data.orgId"); the runner honours both. */
  concurrency?: number | { limit: number; key?: string };
  /** Inngest only: a CEL expression whose value deduplicates runs for 24 h. */
  idempotency?: string;
};

type DefineOptions<TData> = JobOptions & { onFailure?: (ctx: FailureContext<TData>) => Promise<void> };

// Method syntax keeps `Job<{ orgId: string }>` assignable to `Job` so every job fits in one list.
export type Job<TData = Record<string, unknown>, TResult = unknown> = {
  readonly id: string;
  readonly options: JobOptions;
  readonly trigger: JobTrigger;
  readonly maxAttempts: number;
  handler(ctx: JobContext<TData>): Promise<TResult>;
  onFailure?(ctx: FailureContext<TData>): Promise<void>;
  /** The Inngest function, for `serve()` and `@inngest/test`. */
  readonly fn: InngestFunction.Any;
};

let inngestDb: Db | undefined;

/** Points the Inngest executor at another database (tests); `undefined` goes back to getDb(). */
export function setInngestDb(db: Db | undefined): void {
  inngestDb = db;
}

export function defineJob<TEvent extends AnyEventType, TResult>(
  options: DefineOptions<EventOutput<TEvent>> & { trigger: TEvent },
  handler: (ctx: JobContext<EventOutput<TEvent>>) => Promise<TResult>,
): Job<EventOutput<TEvent>, TResult>;
export function defineJob<TResult>(
  options: DefineOptions<CronData> & { trigger: { cron: string } },
  handler: (ctx: JobContext<CronData>) => Promise<TResult>,
): Job<CronData, TResult>;
// `never` lets each overload's narrower handler and onFailure through; Job's methods stay bivariant.
export function defineJob(
  options: DefineOptions<never> & { trigger: JobTrigger },
  handler: (ctx: JobContext<never>) => Promise<unknown>,
): Job {
  const { trigger, onFailure, ...jobOptions } = options;
  if ("cron" in trigger) parseCron(trigger.cron); // a bad schedule fails at import, not at the first tick
  const maxAttempts = (jobOptions.retries ?? DEFAULT_RETRIES) + 1;
  const base = { id: jobOptions.id, options: jobOptions, trigger, maxAttempts, handler, onFailure };
  const job: Job = { ...base, fn: createInngestFunction(base) };
  return job;
}

type JobBase = Omit<Job, "fn">;
type InngestStep = GetStepTools<typeof inngest>;

function createInngestFunction(job: JobBase): InngestFunction.Any {
  const { id, name, description, retries, concurrency, idempotency } = job.options;
  // Assigned before returning: InngestFunction.Any as the contextual type defeats inference of `ctx`.
  const fn = inngest.createFunction(
    {
      id,
      name,
      description,
      retries,
      concurrency,
      idempotency,
      triggers: [job.trigger as { event: string } | { cron: string }],
      // Inngest calls this once the run is out of attempts, as a run of its own.
      onFailure: async (ctx) => {
        const db = inngestDb ?? getDb();
        const original = ctx.event.data.event as JobEvent<Record<string, unknown>>;
        const runId = ctx.event.data.run_id;
        await recordFinished(db, { ...refOf(job, runId, original), status: "failed", error: ctx.error });
        await job.onFailure?.({
          event: original,
          error: ctx.error,
          runId,
          db,
          step: adaptStep(ctx.step),
          logger: ctx.logger,
        });
      },
    },
    // Inngest calls this once per step and per retry (memoised steps replay), so records are upserts.
    async (ctx) => {
      const db = inngestDb ?? getDb();
      const event = ctx.event as JobEvent<Record<string, unknown>>;
      const ref = refOf(job, ctx.runId, event);
      await recordStarted(db, { ...ref, attempts: ctx.attempt + 1 });
      try {
        const output = await job.handler({
          event,
          step: adaptStep(ctx.step),
          runId: ctx.runId,
          attempt: ctx.attempt,
          db,
          logger: ctx.logger,
        });
        await recordFinished(db, { ...ref, status: "succeeded", output });
        return output;
      } catch (error) {
        // The same test Inngest applies: last attempt, NonRetriableError, or a step out of attempts.
        const final =
          ctx.attempt + 1 >= (ctx.maxAttempts ?? job.maxAttempts) ||
          error instanceof NonRetriableError ||
          error instanceof StepError;
        if (final) await recordFinished(db, { ...ref, status: "failed", error, attempts: ctx.attempt + 1 });
        throw error;
      }
    },
  );
  return fn;
}

function refOf(job: JobBase, runId: string, event: JobEvent<Record<string, unknown>>): RunRef {
  return { runId, functionId: job.id, executor: "inngest", event: { name: event.name, data: event.data } };
}

// Delegating (rather than passing Inngest's tools through) keeps handlers on the subset the runner has.
function adaptStep(step: InngestStep): JobStep {
  return {
    run: (id, fn) => step.run(id, fn) as never,
    sendEvent: (id, events) => step.sendEvent(id, events),
    sleep: (id, duration) => step.sleep(id, duration),
    sleepUntil: (id, until) => step.sleepUntil(id, until),
  };
}

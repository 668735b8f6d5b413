import type { Db } from "@/db/client";
import { nextCronTime, parseCron } from "./cron";
import type { Job, JobEvent, JobLogger } from "./define-job";
import type { EventPayload } from "./events";
import { executeRun, type RunResult } from "./execute-run";
import { recordQueued } from "./job-runs";

/*
 * The in-process executor, used when Inngest is not configured: the same job definitions, run inside
 * the server process. Runs live only in memory (a restart drops what was in flight; its job_runs rows
 * stay "queued"/"running"), so this suits one embedded instance, not a fleet; that is what Inngest is for.
 */

export type RunnerOptions = {
  db: Db;
  jobs: readonly Job[];
  /** First retry delay in ms (default 1000); doubles per retry of the same step. */
  backoffMs?: number;
  /** Longest retry delay in ms (default 5 minutes). */
  maxBackoffMs?: number;
  logger?: JobLogger;
};

export type SendResult = { ids: string[]; runIds: string[] };

export type Runner = {
  /** The database the runner records its runs in. */
  readonly db: Db;
  /** Starts a run of every job triggered by each event and returns once they are queued, not finished. */
  send(events: EventPayload | EventPayload[]): Promise<SendResult>;
  /** Settles with the run's result (never rejects for a failed run); runs are kept for a while after. */
  waitForRun(runId: string): Promise<RunResult>;
  /** Resolves when no run is queued or running, including runs started by other runs. */
  waitForIdle(): Promise<void>;
  /** Fires cron-triggered jobs at their times until the returned function is called. */
  startCronScheduler(options?: { now?: () => Date }): () => void;
};

const KEEP_FINISHED = 500;
const MAX_TIMER = 2 ** 31 - 1; // setTimeout's ceiling (~24.8 days); longer waits re-arm

export function createRunner(options: RunnerOptions): Runner {
  const { db, jobs, backoffMs = 1000, maxBackoffMs = 5 * 60_000 } = options;
  const log = options.logger ?? consoleLogger("[jobs]");
  const runs = new Map<string, Promise<RunResult>>();
  const finished: string[] = [];
  const active = new Set<Promise<unknown>>();
  const slots = createSlots();

  function track<T>(promise: Promise<T>): Promise<T> {
    active.add(promise);
    void promise.finally(() => active.delete(promise));
    return promise;
  }

  // Run ids derive from the event id, so an event sent twice with the same id (or a cron tick seen by two
  // processes sharing a database) runs once: the unique run_id lets only the first queue it.
  async function start(job: Job, event: Required<JobEvent<Record<string, unknown>>>): Promise<string | null> {
    const runId = `${event.id}:${job.id}`;
    const queued = await recordQueued(db, { runId, functionId: job.id, executor: "in-process", event });
    if (!queued) return null;
    const logger = prefixed(log, `${job.id} ${runId}`);
    const result = track(
      (async () => {
        const release = await slots.acquire(concurrencyKey(job, event));
        try {
          const dispatch = (events: EventPayload[]) => send(events).then(({ ids }) => ({ ids }));
          return await executeRun({ db, job, runId, event, backoffMs, maxBackoffMs, dispatch, logger });
        } finally {
          release();
        }
      })(),
    );
    runs.set(runId, result);
    void result.finally(() => {
      finished.push(runId);
      if (finished.length > KEEP_FINISHED) runs.delete(finished.shift() ?? "");
    });
    return runId;
  }

  async function send(events: EventPayload | EventPayload[]): Promise<SendResult> {
    const list = (Array.isArray(events) ? events : [events]).map((e) => ({
      name: e.name,
      data: e.data ?? {},
      id: e.id ?? crypto.randomUUID(),
      ts: e.ts ?? Date.now(),
    }));
    const started = await track(
      Promise.all(
        list.flatMap((event) =>
          jobs
            .filter((job) => !("cron" in job.trigger) && job.trigger.name === event.name)
            .map((job) => start(job, event)),
        ),
      ),
    );
    return { ids: list.map((e) => e.id), runIds: started.filter((id): id is string => id !== null) };
  }

  function startCronScheduler({ now = () => new Date() }: { now?: () => Date } = {}): () => void {
    const timers = new Set<NodeJS.Timeout>();
    let stopped = false;
    const arm = (job: Job, expression: string, after: Date) => {
      if (stopped) return;
      const schedule = parseCron(expression);
      const at = nextCronTime(schedule, after);
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          if (stopped) return;
          if (now() < at) return arm(job, expression, now()); // a long wait was cut short, or the clock ran early
          const event = {
            name: "inngest/scheduled.timer",
            data: { cron: expression },
            id: `cron:${at.toISOString()}`,
          };
          track(start(job, { ...event, ts: at.getTime() })).catch((error: unknown) =>
            log.error(`could not start cron job ${job.id}`, error),
          );
          // From now, not from `at`: after a suspended process wakes, missed ticks are skipped, not replayed.
          arm(job, expression, new Date(Math.max(at.getTime(), now().getTime())));
        },
        Math.min(Math.max(0, at.getTime() - now().getTime()), MAX_TIMER),
      );
      timer.unref(); // the server keeps the process alive, not the schedule
      timers.add(timer);
    };
    for (const job of jobs) if ("cron" in job.trigger) arm(job, job.trigger.cron, now());
    return () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    };
  }

  return {
    db,
    send,
    waitForRun: (runId) =>
      runs.get(runId) ?? Promise.reject(new Error(`Unknown or long-finished run ${runId}`)),
    async waitForIdle() {
      while (active.size > 0) await Promise.allSettled([...active]);
    },
    startCronScheduler,
  };
}

// Concurrency per function, or per key value when the key is a plain path such as "event.data.orgId"
// (Inngest takes any CEL expression; other expressions fall back to one limit for the whole function).
function concurrencyKey(
  job: Job,
  event: JobEvent<Record<string, unknown>>,
): { key: string; limit: number } | null {
  const option = job.options.concurrency;
  if (option === undefined) return null;
  const { limit, key } = typeof option === "number" ? { limit: option, key: undefined } : option;
  if (!limit || limit < 1) return null; // 0 means unlimited on Inngest too
  const path = key && /^event(\.\w+)+$/.test(key) ? key.split(".").slice(1) : [];
  let value: unknown = event;
  for (const part of path) value = (value as Record<string, unknown> | undefined)?.[part];
  return { key: `${job.id}\u0000${path.length ? JSON.stringify(value ?? null) : ""}`, limit };
}

function createSlots() {
  const groups = new Map<string, { running: number; waiting: (() => void)[] }>();
  return {
    async acquire(slot: { key: string; limit: number } | null): Promise<() => void> {
      if (!slot) return () => {};
      const g = groups.get(slot.key) ?? { running: 0, waiting: [] };
      groups.set(slot.key, g);
      if (g.running >= slot.limit) await new Promise<void>((resolve) => g.waiting.push(resolve));
      else g.running++;
      return () => {
        const next = g.waiting.shift();
        // A waiting run takes the slot over directly; the count only drops when nobody waits.
        if (next) next();
        else if (--g.running === 0) groups.delete(slot.key);
      };
    },
  };
}

function consoleLogger(prefix: string): JobLogger {
  return {
    info: (...args) => console.info(prefix, ...args),
    warn: (...args) => console.warn(prefix, ...args),
    error: (...args) => console.error(prefix, ...args),
    debug: (...args) => console.debug(prefix, ...args),
  };
}

function prefixed(logger: JobLogger, prefix: string): JobLogger {
  return {
    info: (...args) => logger.info(prefix, ...args),
    warn: (...args) => logger.warn(prefix, ...args),
    error: (...args) => logger.error(prefix, ...args),
    debug: (...args) => logger.debug(prefix, ...args),
  };
}

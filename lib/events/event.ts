import { z } from "zod";

/*
 * One product event as clients send it (ENG-1), and the batch limits of POST /api/v1/events. Validation
 * is per event, so a client learns every bad event of a batch (index and field) in one answer.
 */

export const MAX_EVENTS_PER_BATCH = 1_000;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_NAME_CHARS = 200;
export const MAX_ID_CHARS = 200;
export const MAX_PROPERTIES_BYTES = 8 * 1024;
/** Clocks drift and clients queue events offline; further ahead than this is a bug on their side. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
export const EARLIEST_TIMESTAMP = "2000-01-01T00:00:00Z";
const EARLIEST_MS = Date.parse(EARLIEST_TIMESTAMP);

/** "x is required." for a missing field, else `message`. */
const required = (field: string, message: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `${field} is required.` : message;

const id = (what: string) =>
  z
    .string({ error: required(what, `${what} must be a string.`) })
    .min(1, `${what} must not be empty.`)
    .max(MAX_ID_CHARS, `${what} must be at most ${MAX_ID_CHARS} characters.`);

/** Builds the schema against a clock, so the future limit is testable; `ZEvent` uses the real one. */
export function eventSchema(now: () => number = Date.now) {
  return z.strictObject({
    /** Idempotency key: the same id sent again (same org) is counted as a duplicate and not stored. */
    id: id("id").optional(),
    user_id: id("user_id"),
    name: z
      .string({ error: required("name", "name must be a string.") })
      .min(1, "name must not be empty.")
      .max(MAX_NAME_CHARS, `name must be at most ${MAX_NAME_CHARS} characters.`),
    timestamp: z.iso
      .datetime({
        offset: true,
        error: required(
          "timestamp",
          "timestamp must be an ISO 8601 date and time with a UTC offset or Z, e.g. 2024-05-01T14:30:00Z.",
        ),
      })
      .superRefine((value, ctx) => {
        const ms = Date.parse(value);
        if (ms < EARLIEST_MS) ctx.addIssue({ code: "custom", message: "timestamp is before 2000-01-01." });
        else if (ms > now() + MAX_FUTURE_MS) {
          ctx.addIssue({ code: "custom", message: "timestamp is more than 1 day in the future." });
        }
      }),
    customer_id: id("customer_id").nullish(),
    properties: z
      .record(z.string(), z.unknown(), { error: "properties must be a JSON object." })
      .nullish()
      .refine(
        (p) => p == null || Buffer.byteLength(JSON.stringify(p)) <= MAX_PROPERTIES_BYTES,
        `properties must be at most ${MAX_PROPERTIES_BYTES / 1024} KB as JSON.`,
      ),
  });
}

export const ZEvent = eventSchema();
export type TEvent = z.infer<typeof ZEvent>;

export type EventError = { index: number; field: string; message: string };

/**
 * Validates the events of a parsed JSON array. Either every event is valid (`events`), or `errors` lists
 * each problem with the event's index and field ("" for the event as a whole).
 */
export function parseEvents(
  body: readonly unknown[],
  schema: ReturnType<typeof eventSchema> = ZEvent,
): { events: TEvent[]; errors?: undefined } | { events?: undefined; errors: EventError[] } {
  const events: TEvent[] = [];
  const errors: EventError[] = [];
  body.forEach((raw, index) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      errors.push({ index, field: "", message: "An event must be a JSON object." });
      return;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) events.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) {
            errors.push({ index, field: key, message: "unknown field; put custom data under `properties`." });
          }
        } else errors.push({ index, field: issue.path.join("."), message: issue.message });
      }
    }
  });
  return errors.length > 0 ? { errors } : { events };
}

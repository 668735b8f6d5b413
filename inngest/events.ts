import { type EventType, eventType, type StandardSchemaV1 } from "inngest";
import { z } from "zod";

/*
 * Every event Meridian sends. Events carry ids only (never payloads): a job reads what it needs inside a
 * step, so a retried or replayed run sees the current rows, and events stay small enough for Inngest.
 * The zod schemas are checked when an event is sent (sendEvent in ./index.ts) and again by both
 * executors before a run starts, so a malformed event fails loudly in either mode.
 */

/** A health check through the whole job pipeline: event → function → step → database. */
export const pingRequested = eventType("meridian/ping", {
  schema: z.object({ orgId: z.uuid().optional() }),
});

/** Import a queued upload, or continue an interrupted import (lib/uploads/import.ts). */
export const uploadImportRequested = eventType("uploads/import.requested", {
  schema: z.object({ orgId: z.uuid(), uploadId: z.uuid() }),
});

/** Re-read one Stripe customer's subscriptions and rewrite its items (lib/stripe/sync.ts). */
export const stripeCustomerSyncRequested = eventType("stripe/customer.sync.requested", {
  schema: z.object({ orgId: z.uuid(), stripeCustomerId: z.string().min(1).max(255) }),
});

/** Start or resume the org's Stripe backfill (lib/stripe/backfill.ts). */
export const stripeBackfillRequested = eventType("stripe/backfill.requested", {
  schema: z.object({ orgId: z.uuid(), backfillId: z.uuid() }),
});

/** Rebuild the derived revenue tables of every org that needs it (inngest/functions/revenue-refresh.ts). */
export const revenueRefreshRequested = eventType("revenue/refresh.requested", {
  schema: z.object({}),
});

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.");

/** Compute (or recompute) one org's snapshot of one day (lib/snapshots/compute.ts); then check-alerts. */
export const snapshotRequested = eventType("metrics/snapshot.requested", {
  schema: z.object({ orgId: z.uuid(), date: ZDay }),
});

/** A snapshot was stored: check-alerts compares it with the org's thresholds. */
export const snapshotComputed = eventType("metrics/snapshot.computed", {
  schema: z.object({ orgId: z.uuid(), date: ZDay }),
});

/**
 * Start a snapshot backfill: of a snapshot_backfills row the app created (`backfillId`, so the page shows
 * its progress at once), or of a range (`from`, `to`: the job creates the row). Fans out one event per month.
 */
export const snapshotBackfillRequested = eventType("metrics/backfill.requested", {
  schema: z
    .object({ orgId: z.uuid(), backfillId: z.uuid().optional(), from: ZDay.optional(), to: ZDay.optional() })
    .refine((d) => d.backfillId !== undefined || (d.from !== undefined && d.to !== undefined), {
      message: "Name a backfillId, or from and to.",
    }),
});

/** One month of a backfill. */
export const snapshotBackfillMonthRequested = eventType("metrics/backfill.month.requested", {
  schema: z.object({ orgId: z.uuid(), backfillId: z.uuid(), month: z.string().regex(/^\d{4}-\d{2}$/) }),
});

/** Recompute one org's ENG-3 engagement cohorts now (the monthly cron does every org). */
export const engagementCohortsRequested = eventType("metrics/cohorts.requested", {
  schema: z.object({ orgId: z.uuid() }),
});

/** The registry `sendEvent` validates against; an event missing here cannot be sent. */
export const appEvents = [
  pingRequested,
  revenueRefreshRequested,
  snapshotRequested,
  snapshotComputed,
  snapshotBackfillRequested,
  snapshotBackfillMonthRequested,
  engagementCohortsRequested,
  stripeCustomerSyncRequested,
  stripeBackfillRequested,
  uploadImportRequested,
] as const;

export type AnyEventType = EventType<string, StandardSchemaV1<Record<string, unknown>> | undefined>;

/** The data an event type's schema accepts (before validation). */
export type EventInput<T> =
  T extends EventType<string, infer S>
    ? S extends StandardSchemaV1<Record<string, unknown>>
      ? StandardSchemaV1.InferInput<S>
      : Record<string, unknown>
    : never;

/** The data a handler receives (after validation). */
export type EventOutput<T> =
  T extends EventType<string, infer S>
    ? S extends StandardSchemaV1<Record<string, unknown>>
      ? StandardSchemaV1.InferOutput<S>
      : Record<string, unknown>
    : never;

type PayloadOf<T> =
  T extends EventType<infer N, infer _S> ? { name: N; data: EventInput<T>; id?: string; ts?: number } : never;

/** Any event the app may send, typed by name: `{ name: "meridian/ping", data: { orgId } }`. */
export type AppEvent = PayloadOf<(typeof appEvents)[number]>;

/** The shape both executors accept; `someEvent.create(data)` builds a typed one. */
export type EventPayload = { name: string; data?: Record<string, unknown>; id?: string; ts?: number };

/** Checks `data` against an event type's schema; throws naming the event and the bad fields. */
export async function validateEventData(
  type: AnyEventType,
  data: Record<string, unknown> | undefined,
): Promise<Record<string, unknown>> {
  const input = data ?? {};
  if (!type.schema) return input;
  const result = await type.schema["~standard"].validate(input);
  if (result.issues) {
    const detail = result.issues
      .map(
        (i) =>
          `${(i.path ?? []).map((p) => (typeof p === "object" ? p.key : p)).join(".") || "(data)"}: ${i.message}`,
      )
      .join("; ");
    throw new Error(`Invalid data for event "${type.name}": ${detail}`);
  }
  return result.value;
}

/** Validates app events against the registry before they leave the process. */
export async function validateAppEvents(events: EventPayload[]): Promise<void> {
  for (const event of events) {
    const type = appEvents.find((t) => t.name === event.name);
    if (!type) throw new Error(`Unknown event "${event.name}": add it to inngest/events.ts`);
    await validateEventData(type, event.data);
  }
}
